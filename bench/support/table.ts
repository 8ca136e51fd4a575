// Markdown tables for benchmark output, so what a benchmark prints can be pasted into the README.

/** A Markdown table of `header` and `rows`; cells are printed as given. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "key: value" pairs of what was in the loop, on one line. */
export function inLoopLine(inLoop: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(inLoop)
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ');
}
