// Every web test runs against an in-memory IndexedDB, as the app does against the browser's.
import 'fake-indexeddb/auto';
import { enableAutoUnmount } from '@vue/test-utils';
import { afterEach } from 'vitest';

// A page left mounted keeps its live queries open; the next test deletes the database under them.
enableAutoUnmount(afterEach);

// The sync client is imported lazily by the app; loading it up front keeps a late import from
// landing after a test file's environment is torn down.
await import('../src/offline/sync-client');
