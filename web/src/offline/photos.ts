import type { OfflineDatabase } from './db.js';
import type { PhotoRow } from './types.js';

/** Shrinks a photo before it is stored; injected so tests and old browsers can pass their own. */
export type Compressor = (blob: Blob) => Promise<Blob>;

export interface PhotoInput {
  blob: Blob;
  fileName: string;
  /** Made here when absent. */
  id?: string;
}

interface CanvasLike {
  getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number, w: number, h: number): void } | null;
  convertToBlob(options: { type: string; quality: number }): Promise<Blob>;
}

/**
 * Scales a photo down to at most `maxSide` pixels and re-encodes it as JPEG, where the browser
 * can (createImageBitmap + OffscreenCanvas); elsewhere the photo is kept as it is.
 */
export function canvasCompressor(maxSide = 1600, quality = 0.8): Compressor {
  return async (blob) => {
    const g = globalThis as unknown as {
      createImageBitmap?: (b: Blob) => Promise<{ width: number; height: number; close(): void }>;
      OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
    };
    if (!g.createImageBitmap || !g.OffscreenCanvas || !blob.type.startsWith('image/')) return blob;
    const bitmap = await g.createImageBitmap(blob);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new g.OffscreenCanvas(w, h);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    const out = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    return out.size < blob.size ? out : blob;
  };
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compresses and hashes a photo into the row the queue stores. */
export async function preparePhoto(input: PhotoInput, reportId: string, now: string, compressor?: Compressor): Promise<PhotoRow> {
  const blob = await (compressor ?? canvasCompressor())(input.blob);
  if (blob.size === 0) throw new Error('empty photo');
  return {
    id: input.id ?? crypto.randomUUID(),
    reportId,
    blob,
    sha256: await sha256Hex(blob),
    size: blob.size,
    contentType: blob.type || 'application/octet-stream',
    fileName: input.fileName,
    status: 'QUEUED',
    uploadedBytes: 0,
    attempts: 0,
    lastError: null,
    createdAt: now,
  };
}

/** How photo bytes reach the server's upload endpoints (docs/SYNC.md, "Evidence files"). */
export interface UploadHttp {
  /** The server's origin, e.g. "" in the app or "http://127.0.0.1:4000" in tests. */
  baseUrl: string;
  getToken: () => string | null | Promise<string | null>;
  fetch?: typeof fetch;
  /** Bytes per PATCH; small on a weak link so a cut loses little. */
  chunkSize?: number;
}

export type UploadOutcome = 'VERIFIED' | 'RESTARTED';

/**
 * Uploads one photo, resuming from what the server already holds. Resolves 'VERIFIED' once the
 * server has hashed all the bytes; throws on a network failure (the next round resumes).
 */
export async function uploadPhoto(
  db: OfflineDatabase,
  photo: PhotoRow,
  http: UploadHttp,
  onBytes?: (n: number) => void,
): Promise<UploadOutcome> {
  if (!photo.blob) throw new Error('photo bytes are gone');
  const doFetch = http.fetch ?? fetch;
  const token = await http.getToken();
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const chunk = http.chunkSize ?? 256 * 1024;
  const base = `${http.baseUrl}/files/uploads`;

  const start = await doFetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      id: photo.id,
      reportId: photo.reportId,
      sha256: photo.sha256,
      size: photo.size,
      contentType: photo.contentType,
      fileName: photo.fileName,
    }),
  });
  if (start.status !== 200 && start.status !== 201) throw new UploadRefused(start.status, await start.text());
  const state = (await start.json()) as { receivedBytes: number; status: string };
  if (state.status === 'VERIFIED') return 'VERIFIED';
  let offset = Number(state.receivedBytes) || 0;
  await db.photos.update(photo.id, { status: 'UPLOADING', uploadedBytes: offset });

  for (let guard = 0; guard < 10_000; guard++) {
    if (offset >= photo.size) {
      // Every byte is there but the verdict was lost: ask again.
      const again = await doFetch(`${base}/${photo.id}`, { method: 'HEAD', headers: auth });
      const n = Number(again.headers.get('upload-offset'));
      if (again.status === 204 && n >= photo.size) {
        const post = await doFetch(base, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({
            id: photo.id,
            reportId: photo.reportId,
            sha256: photo.sha256,
            size: photo.size,
            contentType: photo.contentType,
            fileName: photo.fileName,
          }),
        });
        const s = (await post.json()) as { status: string; receivedBytes: number };
        if (s.status === 'VERIFIED') return 'VERIFIED';
        offset = Number(s.receivedBytes) || 0;
        if (offset >= photo.size) throw new Error('upload complete but not verified');
        continue;
      }
      offset = Number.isFinite(n) ? n : 0;
      continue;
    }
    const body = photo.blob.slice(offset, Math.min(photo.size, offset + chunk));
    const res = await doFetch(`${base}/${photo.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), ...auth },
      body: new Uint8Array(await body.arrayBuffer()),
    });
    if (res.status === 200) {
      const s = (await res.json()) as { status: string };
      if (s.status === 'VERIFIED') return 'VERIFIED';
      throw new Error(`unexpected upload status ${s.status}`);
    }
    if (res.status === 204 || res.status === 409) {
      await res.arrayBuffer().catch(() => undefined);
      const n = Number(res.headers.get('upload-offset'));
      if (!Number.isFinite(n)) throw new Error('upload answer without Upload-Offset');
      if (res.status === 204) onBytes?.(n - offset);
      offset = n;
      await db.photos.update(photo.id, { uploadedBytes: offset });
      continue;
    }
    if (res.status === 422) {
      await res.arrayBuffer().catch(() => undefined);
      await db.photos.update(photo.id, { uploadedBytes: 0 });
      return 'RESTARTED';
    }
    throw new UploadRefused(res.status, await res.text());
  }
  throw new Error('upload did not converge');
}

/** The server refused an upload request (not a network failure). */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`upload refused (${status}): ${body.slice(0, 200)}`);
    this.name = 'UploadRefused';
  }
}
