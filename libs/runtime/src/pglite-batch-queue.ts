/**
 * pglite-socket 0.1.x serves many TCP connections from one PGlite session and queues their protocol messages one
 * by one, pinning a connection only while a SQL transaction is open. An extended-protocol batch (Parse, Bind,
 * Describe, Execute ... Sync) is not a transaction, so two connections' batches interleave and one binds against
 * the other's unnamed statement: "bind message supplies 22 parameters, but prepared statement "" requires 3", or
 * worse, wrong rows (electric-sql/pglite issues #1046 and PR #977, open upstream). It also stops processing for
 * good after one failed message. This replaces the queue's scheduler so that a connection owns the session from
 * the first message of a batch until its Sync (or a simple Query), and while it holds a transaction open; a failed
 * message fails that message only.
 */

/** The fields of pglite-socket's QueryQueueManager this scheduler uses. */
export interface PgliteQueryQueue {
  queue: Array<{ handlerId: number; message: Uint8Array; resolve: (bytes: number) => void; reject: (err: unknown) => void; onData: (data: Uint8Array) => void }>;
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** Does this frontend message end what its connection is doing (so another connection may go next)? */
export function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  // Startup, SSL and cancel requests have no type byte: they start with their int32 length, whose first byte is 0.
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

export function installBatchScheduler(queue: PgliteQueryQueue): void {
  let owner: number | null = null;
  queue.processQueue = async function processQueue(this: PgliteQueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned = owner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = pinned === null ? 0 : this.queue.findIndex((q) => q.handlerId === pinned);
        // The owner's next message has not arrived yet: its enqueue() starts processing again.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          owner = null;
          item.reject(err);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        owner = endsBatch(item.message) ? null : item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that went away in the middle of a batch no longer holds the session.
    if (owner === handlerId) owner = null;
    void queue.processQueue();
  };
}
