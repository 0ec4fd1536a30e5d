import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep the Temporal worker's own INFO chatter (state changes, polling) out of test output; warnings still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this realm.
}
