// Reads the metric names and label names a PromQL expression uses, for checking dashboards and
// alert rules against what the server exports. A lexical reader, not a PromQL parser: it knows
// selectors `name{label op "value"}`, range and subquery brackets, grouping clauses and functions.

/** One metric selector of an expression: the name and the labels its matchers test. */
export type PromqlSelector = { readonly name: string; readonly labels: readonly string[] };

/** What an expression refers to. */
export type PromqlNames = {
  readonly selectors: readonly PromqlSelector[];
  /** Labels of `by`, `without`, `on`, `ignoring`, `group_left` and `group_right` clauses. */
  readonly groupingLabels: readonly string[];
};

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);
const IDENTIFIER = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const STRING = '"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\'';

/** The selectors and grouping labels of `expr`; Grafana variables (`$__rate_interval`) are allowed in ranges. */
export function promqlNames(expr: string): PromqlNames {
  let text = expr.replace(/\[[^\]]*\]/g, ' '); // ranges and subqueries: [5m], [$__rate_interval], [1h:5m]
  const groupingLabels: string[] = [];
  text = text.replace(
    /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_whole, _word, list: string) => {
      groupingLabels.push(
        ...list
          .split(',')
          .map((label) => label.trim())
          .filter((label) => label !== ''),
      );
      return ' ';
    },
  );
  const selectors: PromqlSelector[] = [];
  text = text.replace(
    new RegExp(`(${IDENTIFIER})?\\s*\\{((?:${STRING}|[^}"'])*)\\}`, 'g'),
    (_whole, name: string | undefined, body: string) => {
      const labels = [
        ...body.matchAll(new RegExp(`(${IDENTIFIER})\\s*(?:=~|!~|!=|=)\\s*(?:${STRING})`, 'g')),
      ].map((match) => match[1]);
      if (name === undefined) throw new Error(`a selector without a metric name is not supported: ${expr}`);
      selectors.push({ name, labels });
      return ' 0 ';
    },
  );
  text = text.replace(new RegExp(STRING, 'g'), ' ');
  for (const match of text.matchAll(new RegExp(`(?<![\\w.:$])(${IDENTIFIER})(?![\\w:])(?!\\s*\\()`, 'g'))) {
    const name = match[1];
    if (!KEYWORDS.has(name.toLowerCase())) selectors.push({ name, labels: [] });
  }
  return { selectors, groupingLabels };
}

/** Every `expr` string in a JSON value (a Grafana dashboard's targets, at any depth). */
export function exprsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exprsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, entry]) =>
    key === 'expr' && typeof entry === 'string' ? [entry] : exprsIn(entry),
  );
}
