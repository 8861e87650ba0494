// Measures the JavaScript a first visit must load before anything renders: the entry script of
// dist/index.html and every chunk it imports statically (transitively), gzip-compressed.
// Run after `npm run build -w web`: node web/scripts/initial-js-size.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.join(import.meta.dirname, '..', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]);
const seen = new Set();
const queue = entries.map((src) => src.replace(/^\//, ''));
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(path.join(dist, file), 'utf8');
  // static imports only: `import … from "./x.js"` and bare `import "./x.js"`, not import()
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+\.js)["']/g)) {
    queue.push(path.posix.join(path.posix.dirname(file), m[1]));
  }
}
let raw = 0;
let gzip = 0;
const rows = [];
for (const file of seen) {
  const bytes = readFileSync(path.join(dist, file));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += z;
  rows.push({ file, kb: +(bytes.length / 1024).toFixed(1), gzipKb: +(z / 1024).toFixed(1) });
}
console.table(rows);
console.log(`initial JavaScript: ${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip (${seen.size} files)`);
if (process.argv.includes('--check') && gzip > 150 * 1024) {
  console.error('over the 150 KB gzip budget');
  process.exit(1);
}
