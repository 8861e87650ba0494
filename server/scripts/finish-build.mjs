// After tsc: the seed's data files beside its compiled code, and dist/main.js as the entry point
// (tsc keeps the repository layout, so server/src/main.ts compiles to dist/server/src/main.js).
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const server = path.resolve(import.meta.dirname, '..');
const dist = path.join(server, 'dist');
cpSync(path.join(server, 'src/db/seed/data'), path.join(dist, 'server/src/db/seed/data'), { recursive: true });
writeFileSync(path.join(dist, 'main.js'), "import './server/src/main.js';\n");
console.log(`server built in ${path.relative(process.cwd(), dist) || '.'}`);
