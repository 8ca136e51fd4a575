// `npm run docs:config`: writes the generated reference pages, docs/configuration.md (every command's
// schema) and docs/error-codes.md (the error catalogue), from the compiled code.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderConfigurationDocs } from './config-docs.js';
import { renderErrorCodeDocs } from './error-code-docs.js';
import { COMMANDS } from './registry.js';

/** A generated page: its path under the repository root and what it should hold now. */
export type ReferenceDoc = { readonly path: string; render(): string };

/** The pages `npm run docs:config` writes. */
export const REFERENCE_DOCS: readonly ReferenceDoc[] = [
  { path: 'docs/configuration.md', render: () => renderConfigurationDocs(COMMANDS) },
  { path: 'docs/error-codes.md', render: renderErrorCodeDocs },
];

/** Writes every reference page under `root`; returns the paths written. */
export function writeReferenceDocs(root: string): string[] {
  return REFERENCE_DOCS.map((doc) => {
    const path = join(root, doc.path);
    writeFileSync(path, doc.render());
    return path;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of writeReferenceDocs(process.cwd())) process.stdout.write(`wrote ${path}\n`);
}
