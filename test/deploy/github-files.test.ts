// The GitHub files of the contributor kit: the CI workflow runs the project's own check the way
// .ci/run expects, and the issue templates are well-formed issue forms (GitHub rejects a malformed
// form silently by falling back to a blank issue).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const github = join(process.cwd(), '.github');
const read = (path: string) => parse(readFileSync(join(github, path), 'utf8'));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type FormElement = {
  type: string;
  id?: string;
  attributes: { label?: string; value?: string; options?: unknown[] };
};

/** Element types GitHub issue forms accept. */
const FORM_TYPES = new Set(['markdown', 'textarea', 'input', 'dropdown', 'checkboxes']);

describe('.github/workflows/ci.yml', () => {
  const steps = Object.values(read('workflows/ci.yml').jobs as Record<string, { steps: Step[] }>).flatMap(
    (job) => job.steps,
  );

  it('checks out, sets up Node 20, installs redis-server, then runs bash .ci/run', () => {
    const index = (test: (step: Step) => boolean) => steps.findIndex(test);
    const checkout = index((step) => step.uses?.startsWith('actions/checkout@') === true);
    const node = index((step) => step.uses?.startsWith('actions/setup-node@') === true);
    const redis = index((step) => /apt-get install .*redis-server/.test(step.run ?? ''));
    const check = index((step) => step.run?.trim() === 'bash .ci/run');
    expect([checkout, node, redis, check].every((position) => position >= 0)).toBe(true);
    expect(checkout < node && node < redis && redis < check).toBe(true);
    expect(String(steps[node].with?.['node-version'])).toBe('20');
    expect(existsSync(join(process.cwd(), '.ci', 'run'))).toBe(true);
  });
});

describe('.github/ISSUE_TEMPLATE', () => {
  it.each(['bug_report.yml', 'feature_request.yml'])(
    '%s is an issue form with labelled, uniquely named fields',
    (file) => {
      const form = read(`ISSUE_TEMPLATE/${file}`) as {
        name: string;
        description: string;
        body: FormElement[];
      };
      expect(form.name).toBeTruthy();
      expect(form.description).toBeTruthy();
      const ids = form.body.filter((element) => element.type !== 'markdown').map((element) => element.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const element of form.body) {
        expect(FORM_TYPES.has(element.type), element.type).toBe(true);
        if (element.type === 'markdown') expect(element.attributes.value).toBeTruthy();
        else expect(element.attributes.label, element.id).toBeTruthy();
        if (element.type === 'dropdown' || element.type === 'checkboxes') {
          expect(element.attributes.options?.length, element.id).toBeGreaterThan(0);
        }
      }
    },
  );
});
