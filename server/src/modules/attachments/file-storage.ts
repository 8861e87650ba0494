import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where evidence bytes live: uploads are staged by id while they arrive, then kept by their
 * SHA-256, so the same photo sent twice is stored once. Local disk by default; an
 * S3-compatible store implements the same five operations.
 */
export interface FileStorage {
  /** Writes `body` into the staged upload `id` from byte `offset`, cutting anything after it; returns the staged size. */
  writeStaged(id: string, offset: number, body: Readable, maxBytes: number): Promise<number>;
  /** The staged upload's SHA-256 and first bytes (for the type check). */
  inspectStaged(id: string): Promise<{ sha256: string; head: Buffer; size: number }>;
  /** Moves a verified staged upload under its hash; keeps the existing copy if there is one. */
  commitStaged(id: string, sha256: string): Promise<void>;
  discardStaged(id: string): Promise<void>;
  /** The bytes stored under `sha256`. */
  read(sha256: string): Readable;
}

export class TooLargeError extends Error {}

/** Files under `root`: `staging/<id>` while uploading, `<aa>/<sha256>` once verified. */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private staged(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad upload id');
    return path.join(this.root, 'staging', id);
  }

  private stored(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('bad hash');
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async writeStaged(id: string, offset: number, body: Readable, maxBytes: number): Promise<number> {
    const file = this.staged(id);
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'a');
    await handle.close();
    await truncate(file, offset);
    let written = offset;
    const out = createWriteStream(file, { flags: 'r+', start: offset });
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          written += chunk.length;
          if (written > maxBytes) throw new TooLargeError('upload exceeds its declared size');
          yield chunk;
        }
      },
      out,
    );
    return written;
  }

  async inspectStaged(id: string): Promise<{ sha256: string; head: Buffer; size: number }> {
    const file = this.staged(id);
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let size = 0;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), head, size };
  }

  async commitStaged(id: string, sha256: string): Promise<void> {
    const target = this.stored(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) await rm(this.staged(id), { force: true });
    else await rename(this.staged(id), target);
  }

  async discardStaged(id: string): Promise<void> {
    await rm(this.staged(id), { force: true });
  }

  read(sha256: string): Readable {
    return createReadStream(this.stored(sha256));
  }
}
