// Every web test runs against an in-memory IndexedDB, as the app does against the browser's.
import 'fake-indexeddb/auto';
import { enableAutoUnmount } from '@vue/test-utils';
import { afterEach } from 'vitest';
import { disposeStores } from './support/mount';

// Component tests have no server: every request fails at once, as it does on a phone offline,
// instead of reaching for a port on this machine. Tests of the network stub fetch themselves.
globalThis.fetch = () => Promise.reject(new TypeError('Failed to fetch'));

// A page left mounted keeps its live queries open; the next test deletes the database under them.
enableAutoUnmount(afterEach);
afterEach(disposeStores);

// The app imports these lazily; loading them up front keeps a late import from landing after a
// test file's environment is torn down.
await Promise.all([
  import('../src/offline/sync-client'),
  import('../src/offline/storage'),
  import('../src/graphql/client'),
  import('../src/graphql/transport'),
  import('../src/graphql/documents'),
]);
