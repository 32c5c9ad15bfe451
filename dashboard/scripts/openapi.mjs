// Generates src/api/openapi.gen.ts from the server's OpenAPI document (../openapi.json, which a
// Rust test keeps in step with the handlers). src/api/contract.ts checks at compile time that
// the hand-written wire types in src/api/types.ts agree with it.
//
//   node scripts/openapi.mjs          write the file (npm run openapi)
//   node scripts/openapi.mjs --check  fail if the committed file is stale (run by npm run typecheck)

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import * as prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = path.resolve(root, '..', 'openapi.json');
const out = path.join(root, 'src', 'api', 'openapi.gen.ts');

// `metadata` and similar free-form objects become Record<string, unknown>, not Record<string, never>.
const ast = await openapiTS(pathToFileURL(spec), { emptyObjectsUnknown: true, silent: true });
const options = await prettier.resolveConfig(out);
const generated = await prettier.format(`${COMMENT_HEADER}${astToString(ast)}`, {
  ...options,
  filepath: out,
});

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {
    // missing: reported as stale below
  }
  if (committed !== generated) {
    console.error(
      `${path.relative(process.cwd(), out)} is out of date with ../openapi.json: run \`npm run openapi\` and commit it.`,
    );
    process.exit(1);
  }
} else {
  writeFileSync(out, generated);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
