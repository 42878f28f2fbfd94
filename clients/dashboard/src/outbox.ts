// What the report form keeps in the browser (IndexedDB, database
// "tonghop"), so that a clerk on a weak connection loses nothing:
//  - drafts: the form's content per report, with the etag of the server's
//    report it started from, saved as she types;
//  - outbox: submissions made while the server could not be reached, each
//    with its request_id. They are sent when the network returns, oldest
//    first; the server applies a request_id once, so sending one again
//    after a lost answer cannot submit twice. An entry leaves the outbox
//    when the server answers it (accepted, or refused for its content: the
//    refusal is shown), never on a network failure.

import { ApiError, post, type Report } from './api';

const DB = 'tonghop';
const DRAFTS = 'drafts';
const OUTBOX = 'outbox';

export interface LocalDraft {
  name: string;
  baseEtag: string;
  report: Report;
  savedAt: string;
}

export interface OutboxEntry {
  requestId: string;
  name: string;
  etag: string;
  report: Report;
  queuedAt: string;
}

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(DRAFTS, { keyPath: 'name' });
      request.result.createObjectStore(OUTBOX, { keyPath: 'requestId' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run<T>(store: string, mode: IDBTransactionMode,
  action: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = action(tx.objectStore(store));
    // Resolved once the transaction is durable, not when the request ends.
    tx.oncomplete = () => resolve(request.result as T);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function saveLocalDraft(draft: LocalDraft): Promise<unknown> {
  return run(DRAFTS, 'readwrite', (s) => s.put(draft));
}

export function loadLocalDraft(name: string): Promise<LocalDraft | undefined> {
  return run(DRAFTS, 'readonly', (s) => s.get(name));
}

export function dropLocalDraft(name: string): Promise<unknown> {
  return run(DRAFTS, 'readwrite', (s) => s.delete(name));
}

export async function queued(): Promise<OutboxEntry[]> {
  const all = await run<OutboxEntry[]>(OUTBOX, 'readonly', (s) => s.getAll());
  return all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

// Queues `entry` in place of any submission of the same report still
// queued: the later one is what the clerk means to send.
export async function enqueue(entry: OutboxEntry): Promise<void> {
  const db = await database();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(OUTBOX, 'readwrite');
    const store = tx.objectStore(OUTBOX);
    const all = store.getAll();
    all.onsuccess = () => {
      for (const queuedEntry of all.result as OutboxEntry[]) {
        if (queuedEntry.name === entry.name) store.delete(queuedEntry.requestId);
      }
      store.put(entry);
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function remove(requestId: string): Promise<unknown> {
  return run(OUTBOX, 'readwrite', (s) => s.delete(requestId));
}

// True for a failure to reach the server (offline, connection refused, a
// proxy's 502-504): the entry stays queued.
export function unreachable(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  return error instanceof ApiError && [0, 502, 503, 504].includes(error.httpStatus);
}

export type Delivery =
  | { entry: OutboxEntry; report: Report }
  | { entry: OutboxEntry; error: ApiError };

// Passes over the outbox run one after another, never two at once, so an
// entry is never sent twice concurrently from this page.
let passes: Promise<unknown> = Promise.resolve();

// Sends every queued submission, oldest first, stopping at the first that
// cannot reach the server; runs after any pass already under way, so what
// was queued before the call is tried.
export function flush(): Promise<Delivery[]> {
  const pass = passes.then(flushOnce);
  passes = pass.catch(() => undefined);
  return pass;
}

async function flushOnce(): Promise<Delivery[]> {
  const done: Delivery[] = [];
  for (const entry of await queued()) {
    try {
      const report = await post<Report>('submissions', 'Submit', {
        name: entry.name, etag: entry.etag, report: entry.report, requestId: entry.requestId,
      });
      await remove(entry.requestId);
      await dropLocalDraft(entry.name);
      done.push({ entry, report });
    } catch (error) {
      if (unreachable(error) || !(error instanceof ApiError)) break;
      // A session to renew (401, 403) keeps it for after the sign-in.
      if (error.httpStatus === 401 || error.httpStatus === 403) break;
      // The server answered: refused content is shown, not retried.
      await remove(entry.requestId);
      done.push({ entry, error });
    }
  }
  if (done.length > 0) window.dispatchEvent(new CustomEvent('tonghop-outbox', { detail: done }));
  return done;
}

// Delivers what is queued when the network returns, and now and then while
// anything is queued (the 'online' event is not sent by every network
// change).
export function startOutbox(): void {
  window.addEventListener('online', () => void flush());
  window.setInterval(() => {
    if (navigator.onLine) {
      void queued().then((entries) => {
        if (entries.length > 0) void flush();
      });
    }
  }, 5000);
  void flush();
}
