import { spawn } from 'node:child_process';
import path from 'node:path';

export const serverDir = path.resolve(import.meta.dirname, '../..');

/**
 * A TypeScript entry of the server (`src/main.ts`, a script) as a process of its own, with only
 * PATH, HOME and `env` in its environment; its output is collected.
 */
export function spawnServer(entry: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const waitFor = async (pattern: RegExp, ms = 60_000) => {
    const until = Date.now() + ms;
    while (!pattern.test(output)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return output.match(pattern)!;
  };
  return { child, exited, waitFor, output: () => output };
}

/** Runs a script to its end: its exit code and everything it printed. */
export async function runScript(entry: string, args: string[], env: Record<string, string>) {
  const p = spawnServer(entry, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}
