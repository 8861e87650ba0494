// Every web test runs against an in-memory IndexedDB, as the app does against the browser's.
import 'fake-indexeddb/auto';
