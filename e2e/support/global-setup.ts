import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumAvailable, INSTALL_HINT } from './chromium.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Builds the web app once for the whole browser suite, so it tests what `npm start` serves. */
export default function setup() {
  if (!chromiumAvailable()) {
    console.warn(`\n  Skipping the browser suite: ${INSTALL_HINT}\n`);
    return;
  }
  // While writing a journey, E2E_REUSE_BUILD=1 keeps an existing build (never in CI).
  if (process.env.E2E_REUSE_BUILD === '1' && process.env.CI !== 'true' && existsSync(path.join(root, 'web/dist/index.html')))
    return;
  // Vitest sets NODE_ENV=test, and Vite would then build without the service worker registration.
  const build = spawnSync('npm', ['run', 'build', '-w', 'web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error('The web app did not build');
}
