import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export const serverDir = path.resolve(import.meta.dirname, '../..');

let built: Promise<void> | null = null;

/** `npm run build` of the server (tsc into server/dist), once per test file. */
export function buildServer(): Promise<void> {
  built ??= promisify(execFile)('npm', ['run', 'build'], { cwd: serverDir, maxBuffer: 16 * 1024 * 1024 }).then(() => {});
  return built;
}

export interface ServerProcess {
  child: ChildProcess;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): string;
  /** Resolves with the first match of `pattern` in the output after `from` (default: all of it). */
  waitFor(pattern: RegExp, options?: { ms?: number; from?: number }): Promise<RegExpMatchArray>;
}

/** `node <args>` with only PATH, HOME and `env` in its environment; its output is collected. */
function spawnNode(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, args, {
    cwd: serverDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return {
    child,
    exited,
    output: () => output,
    async waitFor(pattern, { ms = 60_000, from = 0 } = {}) {
      const until = Date.now() + ms;
      for (;;) {
        const match = output.slice(from).match(pattern);
        if (match) return match;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** A TypeScript entry of the server (`src/main.ts`, a script) as a process of its own, under tsx. */
export function spawnServer(entry: string, args: string[], env: Record<string, string>): ServerProcess {
  return spawnNode(['--import', 'tsx', entry, ...args], env);
}

/** Runs a script to its end: its exit code and everything it printed. */
export async function runScript(entry: string, args: string[], env: Record<string, string>) {
  const p = spawnServer(entry, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

/** The compiled server (`node dist/main.js`, no tsx) with only the given environment. */
export function startCompiled(env: Record<string, string>): ServerProcess {
  return spawnNode(['dist/main.js'], env);
}

export interface Health {
  status: string;
  pid: number;
  leader: boolean;
}

/** GET /healthz on a new connection each time, so node:cluster may hand it to any process. */
export function health(url: string): Promise<Health> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}healthz`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body) as Health);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      })
      .on('error', reject)
      .setTimeout(5000, function (this: http.ClientRequest) {
        this.destroy(new Error('no answer from /healthz within 5 s'));
      });
  });
}

/** POST /graphql; the status comes back with the body. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(`${url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as { data?: T; errors?: [] }) };
}

/** One statement on its own connection (to look at a server from outside the app). */
export async function queryOnce<T>(connectionString: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
