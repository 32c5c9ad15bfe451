// Bundle size budget, run by `npm run build` after `vite build`.
//
// Gzips every JavaScript and CSS file in dist/assets and fails the build when their sum goes
// over the budget. The sum covers the lazily loaded chunks too, so it bounds the initial
// load from above; the initial load alone (what index.html pulls in) is printed as well.
//
//   BUNDLE_BUDGET_KB  budget in KiB of gzip (default 350)

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const budgetKb = Number(process.env.BUNDLE_BUDGET_KB ?? 350);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

let files;
try {
  files = readdirSync(path.join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
} catch {
  console.error(`No build in ${dist}: run vite build first.`);
  process.exit(1);
}
if (files.length === 0) {
  console.error('dist/assets holds no .js or .css file.');
  process.exit(1);
}

// What index.html loads before the app can render: its scripts, preloads and stylesheets.
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/?assets\/([^"]+)"/g)].map((m) => m[1]));

const rows = files
  .map((file) => {
    const raw = readFileSync(path.join(dist, 'assets', file));
    return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  })
  .sort((a, b) => b.gzip - a.gzip);

const total = rows.reduce((sum, r) => sum + r.gzip, 0);
const initialTotal = rows.filter((r) => initial.has(r.file)).reduce((sum, r) => sum + r.gzip, 0);

console.log('\nBundle size (gzip -9):');
for (const r of rows) {
  const when = initial.has(r.file) ? 'initial' : 'lazy';
  console.log(`  ${r.file.padEnd(36)} ${kb(r.gzip).padStart(10)}  (${kb(r.raw)} raw, ${when})`);
}
console.log(`  initial load: ${kb(initialTotal)}`);
console.log(`  all assets:   ${kb(total)} of a ${budgetKb} KB budget`);

if (total > budgetKb * 1024) {
  console.error(`\nOver budget by ${kb(total - budgetKb * 1024)}: split code or drop weight.`);
  process.exit(1);
}
console.log('  within budget\n');
