import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BASELINE_FILE } from './benchmarks.js';
import {
  benchmarksReadmeTable,
  normaliseMarkdown,
  readBenchResults,
  readmeTableSection,
  README_MARKERS,
} from './readme-table.js';
import { ruleFor } from './tolerances.js';

describe('the README Benchmarks table', () => {
  it('is the table the committed result JSON gives', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readmeTableSection(readme);
    expect(section, `README.md lacks ${README_MARKERS.start} … ${README_MARKERS.end}`).toBeDefined();
    const generated = benchmarksReadmeTable(await readBenchResults('benchmark_results'));
    expect(normaliseMarkdown(section ?? ''), 'paste `node dist/bench/readme-table.js` into README.md').toBe(
      normaliseMarkdown(generated),
    );
  });

  it('finds nothing without both markers', () => {
    expect(readmeTableSection('no table here')).toBeUndefined();
    expect(readmeTableSection(`${README_MARKERS.end} x ${README_MARKERS.start}`)).toBeUndefined();
    expect(readmeTableSection(`a ${README_MARKERS.start}\n| t |\n${README_MARKERS.end} b`)).toBe('| t |');
  });
});

describe('normaliseMarkdown', () => {
  it('ignores padding and blank lines but not the cells', () => {
    const plain = '| a | b |\n| --- | --- |\n| 1 | 2 |\n\nline  two';
    const padded = '\n| a   | b   |\n| --- | --: |\n| 1   | 2   |\nline two\n';
    expect(normaliseMarkdown(padded)).toBe(normaliseMarkdown(plain));
    expect(normaliseMarkdown('| 1 | 3 |')).not.toBe(normaliseMarkdown('| 1 | 2 |'));
  });
});

describe('the committed baseline', () => {
  it('has a tolerance rule for every metric', async () => {
    const baseline = JSON.parse(await readFile(`benchmark_results/${BASELINE_FILE}`, 'utf8')) as {
      metrics: Record<string, number>;
    };
    const names = Object.keys(baseline.metrics);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((metric) => ruleFor(metric) === undefined)).toEqual([]);
  });
});
