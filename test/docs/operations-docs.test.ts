// docs/operations.md names every metric the server exports, every alert rule and every Kubernetes
// manifest, so that adding one without documenting it fails here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRIC } from '../../src/serving/metric-names.js';

const root = process.cwd();
const page = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const missing = (names: readonly string[]) => names.filter((name) => !page.includes(`\`${name}\``));

describe('docs/operations.md', () => {
  it('documents every exported metric', () => {
    expect(missing(Object.values(METRIC))).toEqual([]);
  });

  it('documents every alert rule', () => {
    const alerts = (
      parse(readFileSync(join(root, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as {
        groups: { rules: { alert: string }[] }[];
      }
    ).groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.length).toBeGreaterThan(0);
    expect(missing(alerts)).toEqual([]);
  });

  it('documents every Kubernetes manifest', () => {
    const files = readdirSync(join(root, 'deploy', 'kubernetes')).filter((file) => file.endsWith('.yaml'));
    expect(missing(files)).toEqual([]);
  });
});
