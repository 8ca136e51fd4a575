// docs/http-api.md lists exactly the routes a real serving process answers (method and path), so
// the reference cannot miss a route or describe one that is gone.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrintedRoutes, servingRoutes, type ServedRoute } from './serving-routes.js';

const page = readFileSync(join(process.cwd(), 'docs', 'http-api.md'), 'utf8');

/** `METHOD /path` pairs of the route table (first column; `{id}` written for `:id`). */
function documentedRoutes(markdown: string): string[] {
  const table = markdown.split('\n').filter((line) => /^\| `[A-Z]+ \//.test(line));
  return table.flatMap((line) => {
    const cell = /^\| ([^|]+)\|/.exec(line)![1];
    const spans = [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    const method = spans[0].split(' ')[0];
    return spans.map((span) => `${method} ${span.replace(/^[A-Z]+ /, '')}`);
  });
}

const key = (route: ServedRoute) => `${route.method} ${route.path.replace(/:([a-z]+)/gi, '{$1}')}`;

let served: string[];
beforeAll(async () => {
  served = (await servingRoutes()).map(key).sort();
});

describe('docs/http-api.md', () => {
  it('reads nested routes from the printed tree', () => {
    const printed = [
      '├── /healthz (GET, HEAD)',
      '├── /v1/models (GET, HEAD)',
      '│   └── /:model (GET, HEAD)',
      '└── /v1/c (POST)',
    ].join('\n');
    expect(parsePrintedRoutes(printed).map(key)).toEqual([
      'GET /healthz',
      'GET /v1/models',
      'GET /v1/models/{model}',
      'POST /v1/c',
    ]);
  });

  it('documents every route of a serving process, and no other', () => {
    expect(served).toContain('POST /v1/conversations/{id}/feedback');
    expect(served).toContain('DELETE /v1/training/jobs/{id}');
    const documented = documentedRoutes(page).sort();
    expect(documented).toEqual(served);
  });
});
