interface StorageManagerLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

function storageManager(): StorageManagerLike | undefined {
  return (globalThis as unknown as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

/**
 * Asks the browser not to evict this site's data. Answers whether storage is persistent. Safari
 * grants it only to home-screen apps; elsewhere its data goes after seven days without a visit.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const s = storageManager();
  if (!s?.persist) return false;
  if (s.persisted && (await s.persisted())) return true;
  return s.persist();
}

export interface StorageStatus {
  persisted: boolean;
  usage: number | null;
  quota: number | null;
  /** Less than `lowBytes` left (or less than 10% of the quota): warn before photos fail. */
  low: boolean;
}

export async function checkStorage(lowBytes = 50 * 1024 * 1024): Promise<StorageStatus> {
  const s = storageManager();
  const persisted = s?.persisted ? await s.persisted() : false;
  const est = s?.estimate ? await s.estimate() : {};
  const usage = est.usage ?? null;
  const quota = est.quota ?? null;
  const left = usage !== null && quota !== null ? quota - usage : null;
  return { persisted, usage, quota, low: left !== null && (left < lowBytes || left < quota! * 0.1) };
}

/** iOS Safari outside the home screen: the app should tell the person to add it there. */
export function needsHomeScreenInstall(): boolean {
  const g = globalThis as unknown as {
    navigator?: { userAgent?: string; standalone?: boolean };
    matchMedia?: (q: string) => { matches: boolean };
  };
  const ua = g.navigator?.userAgent ?? '';
  const ios = /iPhone|iPad|iPod/.test(ua);
  const standalone = g.navigator?.standalone === true || g.matchMedia?.('(display-mode: standalone)').matches === true;
  return ios && !standalone;
}
