import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { KawalActivities, NotificationRequest } from '@kawal/contracts';
import type { CaseState } from '@kawal/domain';
import { bundleWorkflows } from '../../apps/worker/src/workflow-bundle';

let bundle: Promise<{ code: string }> | undefined;

/** The workflow bundle is built once per test file (webpack takes a few seconds). */
export async function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface SentRecord {
  request: NotificationRequest;
  /** Server (time-skipped) time the activity was scheduled: when the workflow decided to send. */
  scheduledAt: Date;
}

/**
 * Records what the case workflow writes and sends, for workflow-logic tests on the time-skipping server.
 * (The real activities against PostgreSQL and SMTP are exercised in test/integration.)
 */
export class RecordingActivities {
  readonly snapshots: CaseState[] = [];
  readonly sent: SentRecord[] = [];
  private readonly keys = new Set<string>();

  activities(): Partial<KawalActivities> {
    return {
      recordCaseState: async (state) => {
        this.snapshots.push(state);
        return { applied: true };
      },
      sendNotification: async (request) => {
        if (!this.keys.has(request.idempotencyKey)) {
          this.keys.add(request.idempotencyKey);
          this.sent.push({ request, scheduledAt: new Date(Context.current().info.currentAttemptScheduledTimestampMs) });
        }
        return { status: 'sent', messageId: `<${request.idempotencyKey}>` };
      },
    };
  }
}

export async function createTestWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: object): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
}

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With KAWAL_RECORD_HISTORIES=1, saves the workflow's event history under test/fixtures/histories, where the replay
 * test keeps proving that every committed history still replays on the current workflow code. Record new histories
 * before changing workflow logic, then put the change behind patched().
 */
export async function recordHistoryIfAsked(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.KAWAL_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  await writeFile(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
}

/** The failure type (e.g. NOT_DESIGNATED) of an update the workflow's validator refused; fails if it was accepted. */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type ?? '';
  }
  throw new Error('expected the update to be rejected');
}

/**
 * Waits (real time) until the workflow has nothing in flight: no activity pending, no workflow task to run. After the
 * last completed workflow task only its own records (markers, timers) may follow.
 */
export async function whenIdle(handle: WorkflowHandle, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    const events = history.events ?? [];
    const lastTask = events.map((e) => !!e.workflowTaskCompletedEventAttributes).lastIndexOf(true);
    const busy = events.slice(lastTask + 1).some((e) => e.workflowTaskScheduledEventAttributes || e.activityTaskScheduledEventAttributes || e.activityTaskCompletedEventAttributes);
    if (lastTask >= 0 && !busy && (description.raw.pendingActivities ?? []).length === 0) return;
    if (Date.now() > end) throw new Error('the workflow did not become idle');
    await new Promise((r) => setTimeout(r, 25));
  }
}
