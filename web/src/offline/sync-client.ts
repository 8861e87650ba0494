import { backoffDelay } from './backoff.js';
import { getClientId, getMeta, setMeta, type OfflineDatabase } from './db.js';
import { rebuildTask } from './local-tasks.js';
import { withSyncLock } from './lock.js';
import { uploadPhoto, UploadRefused, type UploadHttp } from './photos.js';
import { MAX_PUSH_BATCH, SYNC_PULL, SYNC_PUSH } from './protocol.js';
import { ServerError, type Transport } from './transport.js';
import type {
  OutboxEntryInput,
  SyncPullQuery,
  SyncPullQueryVariables,
  SyncPushMutation,
  SyncPushMutationVariables,
} from '../graphql/generated/graphql.js';
import {
  PROTOCOL_VERSION,
  type LocalReport,
  type OutboxEntry,
  type OutboxEntryResult,
  type RemovalEntity,
  type ServerTask,
  type SyncPullResult,
  type WireReport,
} from './types.js';

export type SyncPhase = 'idle' | 'push' | 'upload' | 'pull';

/** Progress of the sync in progress: which phase, how far, and bytes exchanged so far. */
export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  /** null when unknown (a pull does not know how many pages remain). */
  total: number | null;
  bytes: number;
}

export type SyncStatus =
  /** Nothing running; the last run (if any) succeeded. */
  | 'idle'
  | 'syncing'
  /** The last run failed (network, server); a retry is scheduled at `nextRetryAt`. */
  | 'waiting'
  /** The server needs a newer app; the outbox is kept and sent after the update. */
  | 'updateRequired'
  /** The server refused the credentials; sync resumes after signing in again. */
  | 'unauthenticated'
  /** The device says it has no network: nothing is tried until it comes back ('online'). */
  | 'offline';

export interface SyncState {
  status: SyncStatus;
  progress: SyncProgress;
  /** Unsent outbox entries: always visible in the app. */
  pending: number;
  conflicts: number;
  rejected: number;
  /** Photos not yet verified by the server. */
  photosPending: number;
  lastSyncAt: string | null;
  lastError: string | null;
  nextRetryAt: number | null;
  failures: number;
  /** Ids of the outbox entries in the push request now in flight; empty between requests. */
  sending: string[];
}

export type SyncTrigger = 'start' | 'online' | 'visible' | 'timer' | 'manual' | 'retry';

export interface SyncRunResult {
  ran: boolean;
  ok: boolean;
  pushed: number;
  pulledPages: number;
  error: string | null;
}

export interface SyncEvents {
  state: SyncState;
  progress: SyncProgress;
  /** A push answered CONFLICT: a conflict record was stored. */
  conflict: { entryId: string; taskId: string };
  /** A push answered REJECTED: the entry was set aside with its reason. */
  rejected: { entryId: string; code: string; reason: string };
  /** A run finished. */
  synced: SyncRunResult;
}

/** Where the triggers come from; `browserEnvironment()` in the app, nothing (or a fake) in tests. */
export interface SyncEnvironment {
  onOnline(cb: () => void): () => void;
  onVisible(cb: () => void): () => void;
  /** False when the device knows it has no network (navigator.onLine); absent means "maybe". */
  isOnline?(): boolean;
}

export function browserEnvironment(): SyncEnvironment | null {
  const g = globalThis as unknown as {
    addEventListener?: (t: string, cb: () => void) => void;
    removeEventListener?: (t: string, cb: () => void) => void;
    document?: {
      visibilityState?: string;
      addEventListener(t: string, cb: () => void): void;
      removeEventListener(t: string, cb: () => void): void;
    };
  };
  if (!g.addEventListener || !g.document) return null;
  const doc = g.document;
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return {
    isOnline: () => nav?.onLine !== false,
    onOnline(cb) {
      g.addEventListener!('online', cb);
      return () => g.removeEventListener!('online', cb);
    },
    onVisible(cb) {
      const h = () => {
        if (doc.visibilityState === 'visible') cb();
      };
      doc.addEventListener('visibilitychange', h);
      return () => doc.removeEventListener('visibilitychange', h);
    },
  };
}

export interface SyncClientOptions {
  db: OfflineDatabase;
  transport: Transport;
  /** Photo uploads; without it photos stay queued on the device. */
  upload?: UploadHttp;
  environment?: SyncEnvironment | null;
  /** Timer trigger; 0 turns it off. Default 5 minutes. */
  intervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  pullLimit?: number;
  pushBatch?: number;
  /** 'web-locks' (default where available), 'lease' (IndexedDB lease row) or 'none' (tests only). */
  lock?: 'auto' | 'lease' | 'none';
  /** Identifies this tab in the lease fallback. */
  holderId?: string;
  now?: () => Date;
}

type Listener<K extends keyof SyncEvents> = (payload: SyncEvents[K]) => void;

class UpdateRequired extends Error {}

function utf8Length(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What is wrong with a stored entry, or null: persisted data is validated when read. */
export function entryProblem(e: unknown): string | null {
  const x = e as Partial<OutboxEntry> & Record<string, unknown>;
  if (!x || typeof x !== 'object') return 'not an object';
  if (typeof x.id !== 'string' || !UUID.test(x.id)) return 'bad id';
  if (typeof x.createdAt !== 'string') return 'bad createdAt';
  if (x.kind === 'CREATE_REPORT') {
    const p = x.createReport as Record<string, unknown> | undefined;
    if (!p || typeof p.reportId !== 'string' || typeof p.taskId !== 'string' || typeof p.percent !== 'number')
      return 'bad report';
    return null;
  }
  if (x.kind === 'UPDATE_TASK') {
    const p = x.updateTask as Record<string, unknown> | undefined;
    if (!p || typeof p.taskId !== 'string' || typeof p.baseVersion !== 'number') return 'bad task edit';
    return null;
  }
  if (x.kind === 'REQUEST_EXTENSION') {
    const p = x.requestExtension as Record<string, unknown> | undefined;
    if (
      !p ||
      typeof p.requestId !== 'string' ||
      typeof p.taskId !== 'string' ||
      typeof p.baseVersion !== 'number' ||
      typeof p.requestedDueOn !== 'string' ||
      typeof p.reason !== 'string'
    )
      return 'bad extension request';
    return null;
  }
  if (x.kind === 'MARK_NOTIFICATION_READ') {
    const p = x.markNotificationRead as Record<string, unknown> | undefined;
    if (!p || typeof p.notificationId !== 'string') return 'bad notification';
    return null;
  }
  return 'unknown kind';
}

/** The entry as the server's OutboxEntryInput: device-only fields stripped. */
function toWire(e: OutboxEntry): OutboxEntryInput {
  const base = { id: e.id, kind: e.kind, createdAt: e.createdAt };
  if (e.kind === 'CREATE_REPORT') return { ...base, createReport: e.createReport };
  if (e.kind === 'UPDATE_TASK') return { ...base, updateTask: e.updateTask };
  if (e.kind === 'REQUEST_EXTENSION') return { ...base, requestExtension: e.requestExtension };
  return { ...base, markNotificationRead: e.markNotificationRead };
}

/**
 * Keeps the local database and the server in step: pushes the outbox in batches, uploads photos,
 * pulls pages of changes, one tab at a time, retrying with exponential backoff and jitter.
 * Triggers: start(), going online, returning to the app, a timer, and syncNow().
 */
export class SyncClient {
  readonly db: OfflineDatabase;
  private readonly transport: Transport;
  private readonly options: SyncClientOptions;
  private readonly listeners = new Map<keyof SyncEvents, Set<Listener<keyof SyncEvents>>>();
  private readonly holderId: string;
  private current: Promise<SyncRunResult> | null = null;
  private again = false;
  private stops: (() => void)[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private bytes = 0;

  state: SyncState = {
    status: 'idle',
    progress: { phase: 'idle', done: 0, total: null, bytes: 0 },
    pending: 0,
    conflicts: 0,
    rejected: 0,
    photosPending: 0,
    lastSyncAt: null,
    lastError: null,
    nextRetryAt: null,
    failures: 0,
    sending: [],
  };

  constructor(options: SyncClientOptions) {
    this.db = options.db;
    this.transport = options.transport;
    this.options = options;
    this.holderId = options.holderId ?? crypto.randomUUID();
  }

  on<K extends keyof SyncEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<keyof SyncEvents>);
    return () => set.delete(listener as Listener<keyof SyncEvents>);
  }

  private emit<K extends keyof SyncEvents>(event: K, payload: SyncEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l as Listener<K>)(payload);
      } catch {
        // a listener's failure must not stop the sync
      }
    }
  }

  private setState(patch: Partial<SyncState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('state', this.state);
  }

  private progress(phase: SyncPhase, done: number, total: number | null): void {
    const p = { phase, done, total, bytes: this.bytes };
    this.state = { ...this.state, progress: p };
    this.emit('progress', p);
    this.emit('state', this.state);
  }

  /** Re-reads the counts the app shows (pending entries, conflicts, rejected, photos). */
  async refreshCounts(): Promise<void> {
    const [pending, conflicts, rejected, photosPending, lastSyncAt] = await Promise.all([
      this.db.outbox.count(),
      this.db.conflicts.count(),
      this.db.rejected.count(),
      this.db.photos.filter((p) => p.status !== 'VERIFIED').count(),
      getMeta<string>(this.db, 'lastSyncAt'),
    ]);
    this.setState({ pending, conflicts, rejected, photosPending, lastSyncAt: lastSyncAt ?? null });
  }

  /** Starts the triggers (online, visible, timer) and syncs once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const env = this.environment();
    if (env) {
      this.stops.push(env.onOnline(() => void this.request('online')));
      this.stops.push(env.onVisible(() => void this.request('visible')));
    }
    const every = this.options.intervalMs ?? 5 * 60_000;
    if (every > 0) {
      const t = setInterval(() => void this.request('timer'), every);
      this.stops.push(() => clearInterval(t));
    }
    void this.request('start');
  }

  /** Stops triggers and retries; a run in progress finishes. */
  stop(): void {
    this.started = false;
    for (const s of this.stops.splice(0)) s();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Syncs now (the person asked); resolves when the run is over. */
  syncNow(): Promise<SyncRunResult> {
    return this.request('manual');
  }

  /** Waits for the run in progress, if any. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  private environment(): SyncEnvironment | null {
    return this.options.environment === undefined ? browserEnvironment() : this.options.environment;
  }

  /** Whether the device may have a network; only a definite "no" (navigator.onLine) stops a run. */
  private mayBeOnline(): boolean {
    return this.environment()?.isOnline?.() !== false;
  }

  private request(trigger: SyncTrigger): Promise<SyncRunResult> {
    if (this.current) {
      // One run at a time; a trigger during a run asks for one more run after it.
      this.again = true;
      return this.current;
    }
    if (!this.mayBeOnline()) {
      // Offline, a run could only fail slowly (the API client retries) while showing "sending":
      // none starts, no retry is scheduled, and going online triggers the next run.
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      const { status } = this.state;
      this.setState({
        // What only the server can lift (a newer app, a new sign-in) stays shown.
        status: status === 'updateRequired' || status === 'unauthenticated' ? status : 'offline',
        progress: { phase: 'idle', done: 0, total: null, bytes: 0 },
        sending: [],
        nextRetryAt: null,
      });
      return Promise.resolve({ ran: false, ok: false, pushed: 0, pulledPages: 0, error: 'offline' });
    }
    if (trigger !== 'retry' && this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const run = (async () => {
      let result: SyncRunResult;
      do {
        this.again = false;
        result = await this.runLocked();
      } while (this.again && result.ok);
      return result;
    })();
    this.current = run.finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async runLocked(): Promise<SyncRunResult> {
    let result: SyncRunResult = { ran: false, ok: true, pushed: 0, pulledPages: 0, error: null };
    const body = async () => {
      result = await this.runOnce();
    };
    const mode = this.options.lock ?? 'auto';
    const ran =
      mode === 'none' ? (await body(), true) : await withSyncLock(this.db, this.holderId, body, { useWebLocks: mode === 'auto' });
    if (!ran) return { ...result, ran: false };
    return result;
  }

  /** One full round: push, upload, pull. Never throws; failures schedule a retry. */
  private async runOnce(): Promise<SyncRunResult> {
    const result: SyncRunResult = { ran: true, ok: true, pushed: 0, pulledPages: 0, error: null };
    this.bytes = 0;
    this.setState({ status: 'syncing', lastError: null, nextRetryAt: null });
    try {
      const clientId = await getClientId(this.db);
      result.pushed = await this.pushAll(clientId);
      await this.applyDeferredRemovals();
      await this.uploadPhotos();
      result.pulledPages = await this.pullAll(clientId);
      await this.applyDeferredRemovals();
      await setMeta(this.db, 'lastSyncAt', (this.options.now?.() ?? new Date()).toISOString());
      this.progress('idle', 0, null);
      this.setState({ status: 'idle', failures: 0 });
    } catch (error) {
      result.ok = false;
      result.error = error instanceof Error ? error.message : String(error);
      if (error instanceof UpdateRequired) {
        this.setState({ status: 'updateRequired', lastError: result.error });
      } else if (error instanceof ServerError && error.code === 'UNAUTHENTICATED') {
        this.setState({ status: 'unauthenticated', lastError: result.error });
      } else if (!this.mayBeOnline()) {
        // The network went during the run: the 'online' trigger resumes, not a backoff timer.
        this.setState({ status: 'offline', lastError: result.error, nextRetryAt: null });
      } else {
        const failures = this.state.failures + 1;
        const delay = backoffDelay(failures, {
          baseMs: this.options.backoff?.baseMs ?? 2_000,
          maxMs: this.options.backoff?.maxMs ?? 5 * 60_000,
          random: this.options.random,
        });
        this.setState({ status: 'waiting', failures, lastError: result.error, nextRetryAt: Date.now() + delay });
        if (this.started) {
          if (this.retryTimer) clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            void this.request('retry');
          }, delay);
        }
      }
      this.progress('idle', 0, null);
    }
    await this.refreshCounts().catch(() => undefined);
    this.emit('synced', result);
    return result;
  }

  private async call<T, V extends Record<string, unknown>>(document: string, variables: V): Promise<T> {
    this.bytes += utf8Length(variables) + document.length;
    const data = await this.transport<T>(document, variables);
    this.bytes += utf8Length(data);
    return data;
  }

  // ---- push ------------------------------------------------------------------------------------

  /** Pushes the outbox in batches until it is empty or nothing more can go now. */
  private async pushAll(clientId: string): Promise<number> {
    let pushed = 0;
    const total = await this.db.outbox.count();
    const attempted = new Set<string>();
    this.progress('push', 0, total);
    for (;;) {
      const batch = await this.nextBatch(attempted);
      if (!batch.length) break;
      // The entries of this request, and only they, show as "sending" until their answers are applied.
      this.setState({ sending: batch.map((e) => e.id) });
      try {
        const res = await this.call<SyncPushMutation, SyncPushMutationVariables>(SYNC_PUSH, {
          input: {
            protocolVersion: PROTOCOL_VERSION,
            clientId,
            clientTime: (this.options.now?.() ?? new Date()).toISOString(),
            entries: batch.map(toWire),
          },
        });
        if (res.syncPush.updateRequired) throw new UpdateRequired('the server needs a newer version of the app');
        for (const e of batch) attempted.add(e.id);
        pushed += await this.applyResults(batch, res.syncPush.results);
      } finally {
        this.setState({ sending: [] });
      }
      this.progress('push', Math.min(total, pushed), total);
    }
    return pushed;
  }

  /**
   * The next entries to send, in the order they were made: at most one task edit per task (the
   * next one is rebased on the version the first produces), and nothing already tried this round
   * (an entry answered RETRY_LATER waits for the next round, and so do later edits of its task:
   * sent alone on the older base they would overtake it, or meet a rebased copy in another tab).
   */
  private async nextBatch(attempted: Set<string>): Promise<OutboxEntry[]> {
    const limit = this.options.pushBatch ?? MAX_PUSH_BATCH;
    const batch: OutboxEntry[] = [];
    const editedTasks = new Set<string>();
    const rows = await this.db.outbox.orderBy('seq').toArray();
    for (const e of rows) {
      if (batch.length >= limit) break;
      const problem = attempted.has(e.id) ? null : entryProblem(e);
      if (problem) {
        await this.setAside(e, 'INVALID_LOCAL_ENTRY', null, `stored entry is damaged: ${problem}`);
        continue;
      }
      if (e.kind === 'UPDATE_TASK') {
        if (editedTasks.has(e.updateTask.taskId)) continue;
        editedTasks.add(e.updateTask.taskId);
      }
      if (attempted.has(e.id)) continue;
      batch.push(e);
    }
    return batch;
  }

  private async setAside(e: OutboxEntry, code: string, field: string | null, reason: string): Promise<void> {
    const db = this.db;
    await db.transaction('rw', [db.outbox, db.rejected, db.reports, db.tasks, db.extensionRequests], async () => {
      if (e.seq !== undefined) await db.outbox.delete(e.seq);
      await db.rejected.put({ id: e.id, entry: e, code, field, reason, rejectedAt: new Date().toISOString() });
      if (e.kind === 'CREATE_REPORT' && e.createReport?.reportId) {
        await db.reports.update(e.createReport.reportId, { syncState: 'REJECTED', rejectedReason: reason });
      }
      if (e.kind === 'REQUEST_EXTENSION' && e.requestExtension?.requestId) {
        await db.extensionRequests.update(e.requestExtension.requestId, { syncState: 'REJECTED', rejectedReason: reason });
      }
      if (e.kind === 'UPDATE_TASK' && e.updateTask?.taskId) await rebuildTask(db, e.updateTask.taskId);
    });
    this.emit('rejected', { entryId: e.id, code, reason });
  }

  /** Applies the server's answers, each in its own transaction with its local effects. */
  private async applyResults(batch: OutboxEntry[], results: OutboxEntryResult[]): Promise<number> {
    const db = this.db;
    const byId = new Map(results.map((r) => [r.id, r]));
    let confirmed = 0;
    for (const e of batch) {
      const r = byId.get(e.id);
      if (!r) continue; // unanswered: stays for the next round
      if (r.status === 'APPLIED' || r.status === 'ALREADY_APPLIED') {
        confirmed++;
        await db.transaction('rw', [db.outbox, db.reports, db.tasks, db.extensionRequests], async () => {
          await db.outbox.delete(e.seq!);
          if (e.kind === 'CREATE_REPORT') {
            await db.reports.update(e.createReport.reportId, { syncState: 'SYNCED', rejectedReason: null });
          }
          if (e.kind === 'REQUEST_EXTENSION') {
            await db.extensionRequests.update(e.requestExtension.requestId, { syncState: 'SYNCED', rejectedReason: null });
          }
          if (e.kind === 'UPDATE_TASK') {
            const { taskId, baseVersion } = e.updateTask;
            if (r.version !== null && r.version !== undefined) {
              // Later edits of this task were made on top of this one: they are based on the
              // version it produced, not on the one before.
              const later = (await db.outbox.where('refs').equals(taskId).toArray()).filter(
                (x) => x.kind === 'UPDATE_TASK' && x.updateTask.baseVersion === baseVersion,
              );
              for (const x of later) {
                if (x.kind === 'UPDATE_TASK')
                  await db.outbox.put({ ...x, updateTask: { ...x.updateTask, baseVersion: r.version! } });
              }
              const task = await db.tasks.get(taskId);
              if (task && task.server.version < r.version) {
                const server: ServerTask = { ...task.server, version: r.version };
                for (const f of ['responsiblePerson', 'expectedResult', 'description'] as const) {
                  if (e.updateTask[f] !== undefined) server[f] = e.updateTask[f] ?? null;
                }
                await rebuildTask(db, taskId, server);
              } else if (task) {
                await rebuildTask(db, taskId);
              }
            } else {
              await rebuildTask(db, taskId);
            }
          }
        });
      } else if (r.status === 'REJECTED') {
        confirmed++;
        await this.setAside(e, r.code ?? 'REJECTED', r.field, r.reason ?? 'refused by the server');
      } else if (r.status === 'CONFLICT' && e.kind === 'REQUEST_EXTENSION' && r.serverTask) {
        // Asked on an older copy of the task: kept with both copies, for the person to decide.
        confirmed++;
        const server = r.serverTask;
        const ext = e.requestExtension;
        await db.transaction('rw', [db.outbox, db.conflicts, db.tasks, db.extensionRequests], async () => {
          await db.outbox.delete(e.seq!);
          await db.conflicts.put({
            id: e.id,
            entryId: e.id,
            taskId: ext.taskId,
            local: { taskId: ext.taskId, baseVersion: ext.baseVersion },
            extension: ext,
            server,
            createdAt: new Date().toISOString(),
          });
          await db.extensionRequests.update(ext.requestId, { syncState: 'CONFLICT' });
          const task = await db.tasks.get(ext.taskId);
          if (!task || task.server.version <= server.version) await rebuildTask(db, server.id, server);
        });
        this.emit('conflict', { entryId: e.id, taskId: ext.taskId });
      } else if (r.status === 'CONFLICT' && e.kind === 'UPDATE_TASK') {
        confirmed++;
        const server = r.serverTask;
        await db.transaction('rw', [db.outbox, db.conflicts, db.tasks], async () => {
          await db.outbox.delete(e.seq!);
          if (server) {
            await db.conflicts.put({
              id: e.id,
              entryId: e.id,
              taskId: e.updateTask.taskId,
              local: e.updateTask,
              server,
              createdAt: new Date().toISOString(),
            });
            const task = await db.tasks.get(e.updateTask.taskId);
            if (!task || task.server.version <= server.version) await rebuildTask(db, server.id, server);
            else await rebuildTask(db, server.id);
          } else {
            await rebuildTask(db, e.updateTask.taskId);
          }
        });
        if (!server) {
          await this.setAside(e, 'CONFLICT', null, r.reason ?? 'the task changed on the server');
        } else {
          this.emit('conflict', { entryId: e.id, taskId: e.updateTask.taskId });
        }
      } else {
        await db.outbox.update(e.seq!, { attempts: e.attempts + 1, lastError: r.reason ?? r.status });
      }
    }
    return confirmed;
  }

  // ---- photos ----------------------------------------------------------------------------------

  private async uploadPhotos(): Promise<void> {
    const http = this.options.upload;
    if (!http) return;
    const db = this.db;
    const photos = await db.photos.filter((p) => p.status !== 'VERIFIED' && !!p.blob).toArray();
    const ready: typeof photos = [];
    for (const p of photos) {
      const report = await db.reports.get(p.reportId);
      // The report's text goes first: its upload needs the report on the server.
      if (report?.syncState === 'SYNCED') ready.push(p);
    }
    let done = 0;
    this.progress('upload', 0, ready.length);
    for (const p of ready) {
      let outcome;
      try {
        outcome = await uploadPhoto(db, p, http, (n) => {
          this.bytes += n;
        });
      } catch (error) {
        if (error instanceof UploadRefused && error.status >= 400 && error.status < 500) {
          await db.photos.update(p.id, { status: 'FAILED', attempts: p.attempts + 1, lastError: error.message });
          continue;
        }
        throw error;
      }
      if (outcome === 'VERIFIED') {
        await db.transaction('rw', [db.photos, db.reports], async () => {
          const report = await db.reports.get(p.reportId);
          // The local blob goes only when the server holds verified bytes and the report.
          if (report?.syncState === 'SYNCED')
            await db.photos.update(p.id, { status: 'VERIFIED', blob: null, uploadedBytes: p.size });
        });
      } else {
        await db.photos.update(p.id, { status: 'QUEUED', attempts: p.attempts + 1, lastError: 'hash mismatch, restarted' });
      }
      this.progress('upload', ++done, ready.length);
    }
  }

  // ---- pull ------------------------------------------------------------------------------------

  private async pullAll(clientId: string): Promise<number> {
    let pages = 0;
    let cursor = (await getMeta<string | null>(this.db, 'cursor')) ?? null;
    this.progress('pull', 0, null);
    for (;;) {
      const res = await this.call<SyncPullQuery, SyncPullQueryVariables>(SYNC_PULL, {
        input: { protocolVersion: PROTOCOL_VERSION, clientId, cursor, limit: this.options.pullLimit ?? 500 },
      });
      const page = res.syncPull;
      if (page.updateRequired) throw new UpdateRequired('the server needs a newer version of the app');
      if (page.reset) {
        await this.resetView();
        cursor = null;
        continue;
      }
      // Another tab moved the cursor (or reset the view) since this page was asked for: its pull
      // carries on from there, and this page, older or from a dropped view, is not applied.
      if (!(await this.applyPage(page, cursor))) break;
      cursor = page.cursor;
      this.progress('pull', ++pages, null);
      if (!page.hasMore) break;
    }
    return pages;
  }

  /** Drops the view data (never the outbox, pending reports, conflicts or photos) for a fresh pull. */
  private async resetView(): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [
        db.tasks,
        db.reports,
        db.notifications,
        db.deferredRemovals,
        db.meta,
        db.outbox,
        db.extensionRequests,
        db.resolutions,
        db.units,
        db.people,
      ],
      async () => {
        const referenced = new Set((await db.outbox.toArray()).flatMap((e) => e.refs));
        // Another view: its names go too (the full pull brings those the new view names).
        await Promise.all([db.resolutions.clear(), db.units.clear(), db.people.clear()]);
        await db.tasks.filter((t) => !referenced.has(t.id)).delete();
        await db.extensionRequests.filter((x) => x.syncState === 'SYNCED' && !referenced.has(x.id)).delete();
        await db.reports.filter((r) => r.syncState === 'SYNCED' && !referenced.has(r.id)).delete();
        await db.notifications.filter((n) => !referenced.has(n.id)).delete();
        await db.deferredRemovals.clear();
        await db.meta.delete('cursor');
      },
    );
  }

  /**
   * One page, applied whole with its cursor in one transaction: a cut leaves the old cursor.
   * Applied only while the stored cursor is still `sent`, the one the page was asked with.
   */
  private async applyPage(page: SyncPullResult, sent: string | null): Promise<boolean> {
    const db = this.db;
    const tables = [
      db.tasks,
      db.reports,
      db.notifications,
      db.outbox,
      db.deferredRemovals,
      db.meta,
      db.extensionRequests,
      db.resolutions,
      db.units,
      db.people,
    ];
    return db.transaction('rw', tables, async () => {
      if (((await getMeta<string | null>(db, 'cursor')) ?? null) !== sent) return false;
      for (const t of page.tasks) {
        const existing = await db.tasks.get(t.id);
        if (existing && existing.server.version > t.version) continue;
        await db.deferredRemovals.delete(t.id);
        await rebuildTask(db, t.id, t);
      }
      for (const w of page.reports) await db.reports.put(mergeReport(await db.reports.get(w.id), w));
      for (const n of page.notifications) {
        const local = await db.notifications.get(n.id);
        await db.deferredRemovals.delete(n.id);
        await db.notifications.put({ ...n, readAt: n.readAt ?? local?.readAt ?? null });
      }
      for (const x of page.extensionRequests ?? [])
        await db.extensionRequests.put({ ...x, syncState: 'SYNCED', rejectedReason: null });
      for (const r of page.removals) await removeOrDefer(db, r.entity, r.id);
      // Reference rows are current as of this page's snapshot, never older than what is stored.
      if (page.resolutions?.length) await db.resolutions.bulkPut(page.resolutions);
      if (page.units?.length) await db.units.bulkPut(page.units);
      if (page.people?.length) await db.people.bulkPut(page.people);
      await db.meta.put({ key: 'cursor', value: page.cursor });
      return true;
    });
  }

  /** Removals that waited for an entry: applied once no unsent entry refers to the record. */
  private async applyDeferredRemovals(): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.tasks, db.reports, db.notifications, db.outbox, db.deferredRemovals, db.extensionRequests],
      async () => {
        for (const d of await db.deferredRemovals.toArray()) {
          if (await db.outbox.where('refs').equals(d.id).count()) continue;
          await db.deferredRemovals.delete(d.id);
          await removeNow(db, d.entity, d.id);
        }
      },
    );
  }
}

function mergeReport(local: LocalReport | undefined, w: WireReport): LocalReport {
  return {
    ...w,
    values: w.values ?? [],
    attachments: local?.attachments ?? [],
    syncState: 'SYNCED',
    rejectedReason: null,
  };
}

async function removeNow(db: OfflineDatabase, entity: RemovalEntity, id: string): Promise<void> {
  if (entity === 'TASK') {
    await db.tasks.delete(id);
    // The task's requests leave with it (none is unsent: the removal waited for its entries).
    await db.extensionRequests.where('taskId').equals(id).delete();
  } else if (entity === 'REPORT') await db.reports.delete(id);
  else await db.notifications.delete(id);
}

async function removeOrDefer(db: OfflineDatabase, entity: RemovalEntity, id: string): Promise<void> {
  if (await db.outbox.where('refs').equals(id).count()) {
    await db.deferredRemovals.put({ id, entity });
    return;
  }
  await removeNow(db, entity, id);
}
