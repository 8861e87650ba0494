import { getCurrentInstance, onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { discardDraft, readDraft, setDraftAside, writeDraft } from '../offline/drafts';
import type { DraftPlace } from '../offline/types';
import { useDatabase } from './useDatabase';

export interface FormDraftOptions<T> {
  /** The form's input now; null while the form is not ready (its task not loaded yet). */
  read: () => T | null;
  /** Puts a restored draft (or the pristine input, on `startAgain`) into the form. */
  apply: (value: T) => void;
  /**
   * The stored value as the form's shape, or null when it is not one (kept aside then). By
   * default: `sameShape` against how the form started.
   */
  parse?: (raw: unknown, pristine: T) => T | null;
  /** Quiet time before a change is written, in ms. */
  delay?: number;
  /** What the form is about, kept with the draft so its page can offer it back (usePageDrafts). */
  place?: () => DraftPlace;
}

/**
 * Keeps a form's unsaved input in IndexedDB under `key`, so it survives a reload and going
 * offline: once the form is ready its stored draft (if any) is put back, and each change is
 * written a moment later. Input back to how the form started leaves no draft. Call `discard()`
 * when the form is saved or cancelled.
 */
export function useFormDraft<T>(key: string, options: FormDraftOptions<T>) {
  const db = useDatabase();
  const delay = options.delay ?? 300;
  /** When the draft put back into the form had been saved; null when the form started fresh. */
  const restoredAt = ref<string | null>(null);
  /** When the input was last written to the device. */
  const savedAt = ref<string | null>(null);
  let pristine: string | null = null;
  let ready = false;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<unknown> = Promise.resolve();
  const stored = readDraft(db, key).catch(() => undefined);

  async function start(current: T): Promise<void> {
    pristine = JSON.stringify(current);
    const row = await stored;
    if (done) return;
    if (row) {
      const value = (options.parse ?? sameShape)(row.value, JSON.parse(pristine) as T);
      if (value === null) await setDraftAside(db, row).catch(() => undefined);
      else if (JSON.stringify(value) !== pristine) {
        options.apply(value);
        restoredAt.value = row.savedAt;
        savedAt.value = row.savedAt;
      }
    }
    ready = true;
    // Typed while the stored draft was still being read: that is kept too.
    const now = options.read();
    if (!restoredAt.value && now !== null && JSON.stringify(now) !== pristine) schedule();
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void write(), delay);
  }

  function write(): Promise<unknown> {
    timer = null;
    const current = options.read();
    if (done || current === null) return writing;
    const text = JSON.stringify(current);
    writing = writing
      .then(async () => {
        if (done) return;
        if (text === pristine) {
          await discardDraft(db, key);
          savedAt.value = null;
        } else savedAt.value = (await writeDraft(db, key, JSON.parse(text) as unknown, options.place?.())).savedAt;
      })
      // A full or blocked store leaves the draft in memory only; the form itself still works.
      .catch(() => undefined);
    return writing;
  }

  const stop = watch(
    options.read,
    (current) => {
      if (current === null || done) return;
      if (pristine === null) {
        void start(current);
        return;
      }
      if (ready) schedule();
    },
    { deep: true, immediate: true },
  );

  /** Writes a change still waiting for its quiet time, now. */
  function flush(): Promise<unknown> {
    if (!timer) return writing;
    clearTimeout(timer);
    return write();
  }

  /** Forgets the draft: the form was saved or cancelled. */
  async function discard(): Promise<void> {
    done = true;
    stop();
    if (timer) clearTimeout(timer);
    timer = null;
    await writing;
    restoredAt.value = null;
    savedAt.value = null;
    await discardDraft(db, key).catch(() => undefined);
  }

  /** Puts the form back as it started and forgets the draft, but keeps following the form. */
  async function startAgain(): Promise<void> {
    if (pristine === null) return;
    if (timer) clearTimeout(timer);
    timer = null;
    options.apply(JSON.parse(pristine) as T);
    restoredAt.value = null;
    savedAt.value = null;
    await writing;
    await discardDraft(db, key).catch(() => undefined);
  }

  const onHide = () => void flush();
  if (typeof window !== 'undefined') window.addEventListener('pagehide', onHide);
  if (getCurrentInstance())
    onBeforeUnmount(() => {
      if (typeof window !== 'undefined') window.removeEventListener('pagehide', onHide);
      void flush();
    });

  return { restoredAt, savedAt, flush, discard, startAgain };
}

export type FormDraft = ReturnType<typeof useFormDraft>;

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * `raw` read as a value shaped like `pristine`: every field present has the same kind (or is
 * null where the form started with a value, or the reverse: a unit not chosen yet), arrays hold what the form's
 * own rows hold, and a field the draft lacks (a form grown since) keeps its starting value.
 */
export function sameShape<T>(raw: unknown, pristine: T): T | null {
  if (kind(raw) !== 'object' || kind(pristine) !== 'object') return null;
  const out: Record<string, unknown> = { ...(pristine as Record<string, unknown>) };
  for (const [key, start] of Object.entries(pristine as Record<string, unknown>)) {
    if (!(key in (raw as object))) continue;
    const value = (raw as Record<string, unknown>)[key];
    const [a, b] = [kind(value), kind(start)];
    if (a !== b && a !== 'null' && b !== 'null') return null;
    if (a === 'array') {
      const sample = (start as unknown[])[0];
      if ((value as unknown[]).some((v) => (sample === undefined ? kind(v) === 'array' : kind(v) !== kind(sample)))) return null;
    }
    out[key] = value;
  }
  return out as T;
}

/** `read` and `apply` over a form's refs: the draft is an object of their values by name. */
export function refsDraft<R extends Record<string, Ref<unknown>>>(refs: R, place?: () => DraftPlace) {
  type Values = { [K in keyof R]: R[K]['value'] };
  return {
    read: (): Values => Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, r.value])) as Values,
    apply: (value: Values): void => {
      for (const [k, r] of Object.entries(refs)) r.value = (value as Record<string, unknown>)[k];
    },
    place,
  };
}
