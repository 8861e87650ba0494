import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';

type Cell = string | number | boolean | null | undefined | string[];

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in PostgreSQL's COPY text format. */
export function copyValue(v: Cell): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) return `{${v.join(',')}}`;
  return String(v);
}

const CHUNK = 1 << 19;

/**
 * One `COPY table (columns) FROM STDIN` on its own connection, fed row by row. Rows are joined
 * into ~512 KB chunks and written with backpressure, so memory stays flat whatever the volume.
 */
export class CopyWriter {
  rows = 0;
  private buffer: string[] = [];
  private size = 0;
  private stream!: Writable;
  private done!: Promise<void>;

  private constructor(
    private readonly client: pg.Client,
    readonly table: string,
  ) {}

  static async open(url: string, table: string, columns: readonly string[]): Promise<CopyWriter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`set synchronous_commit = off`);
    const writer = new CopyWriter(client, table);
    writer.stream = client.query(copyFrom(`copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin`));
    writer.done = new Promise((resolve, reject) => {
      writer.stream.on('finish', resolve);
      writer.stream.on('error', reject);
    });
    // An error before `end` would otherwise surface only at the end; keep it for the next write.
    writer.done.catch(() => undefined);
    return writer;
  }

  /** Adds one row; resolves at once unless the connection is behind. */
  write(values: Cell[]): Promise<void> | undefined {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // Numbers, booleans and nulls need no escaping; only strings are scanned.
      line += (i ? '\t' : '') + (v === null || v === undefined ? '\\N' : typeof v === 'number' ? v : copyValue(v));
    }
    line += '\n';
    this.buffer.push(line);
    this.size += line.length;
    this.rows++;
    return this.size >= CHUNK ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (this.stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.stream.once('error', onError);
      this.stream.once('drain', () => {
        this.stream.off('error', onError);
        resolve();
      });
    });
  }

  /** Sends what is left, waits for PostgreSQL to commit the COPY and closes the connection. */
  async end(): Promise<void> {
    try {
      if (this.size) await this.flush();
      this.stream.end();
      await this.done;
    } finally {
      await this.client.end();
    }
  }
}
