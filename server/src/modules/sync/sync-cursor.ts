import { createHash } from 'node:crypto';

/**
 * The pull cursor (docs/SYNC.md, "The cursor never skips a late commit"). A round asks for every
 * row whose `change_xid` is at least `since`; its first page records the xmin of its snapshot as
 * `next`, the `since` of the following round. Within a round, pages go by the key
 * (change_xid, kind, id). `view` fingerprints the account and unit the cursor was made for.
 */
export interface PullCursor {
  since: string;
  next: string;
  after: [string, string, string] | null;
  view: string;
  /** The protocol of the client the cursor was made for; a newer client pulls its view again. */
  protocol: number;
}

const XID = /^\d{1,20}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function viewFingerprint(accountId: string, unitPath: string): string {
  return createHash('sha256').update(`${accountId}\n${unitPath}`).digest('base64url').slice(0, 16);
}

export function encodeCursor(c: PullCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, s: c.since, n: c.next, a: c.after, w: c.view, p: c.protocol })).toString('base64url');
}

/** The cursor, or null when it is not one of ours (the client then starts over). */
export function decodeCursor(raw: string): PullCursor | null {
  try {
    const o = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (o.v !== 1 || typeof o.s !== 'string' || typeof o.n !== 'string' || typeof o.w !== 'string') return null;
    if (!XID.test(o.s) || !XID.test(o.n)) return null;
    let after: PullCursor['after'] = null;
    if (o.a !== null) {
      const a = o.a as unknown[];
      if (!Array.isArray(a) || a.length !== 3) return null;
      const [x, k, id] = a;
      if (typeof x !== 'string' || !XID.test(x) || typeof k !== 'string' || !/^[A-Z]$/.test(k)) return null;
      if (typeof id !== 'string' || !UUID.test(id)) return null;
      after = [x, k, id];
    }
    // Cursors made before `p` existed were made for protocol 1.
    const protocol = o.p === undefined ? 1 : o.p;
    if (typeof protocol !== 'number' || !Number.isInteger(protocol) || protocol < 1) return null;
    return { since: o.s, next: o.n, after, view: o.w, protocol };
  } catch {
    return null;
  }
}
