import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IndonesianTimeZone, LocalDate, TemplateDefinition } from '@kawal/domain';
import { addCalendarDays, dayOfWeek, isLocalDate } from '@kawal/domain';

export type ProgrammeStatus = 'RUNNING' | 'SUSPENDED' | 'COMPLETED' | 'CANCELLED';

export interface ProgrammeWorkflowInput {
  programmeId: string;
  /** Number of cases to start (read from the database in batches by the launch activity). */
  caseCount: number;
  batchSize?: number;
  /** Continue as new once the history passes this many events (default 2,000; tests lower it). */
  historyLimit?: number;
  /** Carried over on continue-as-new. */
  progress?: ProgrammeProgress;
  /** Actions accepted but not yet fanned out to every case, carried over on continue-as-new. */
  pendingActions?: PendingProgrammeAction[];
  /** A cancel or close was accepted (carried over on continue-as-new, even once it has reached every case). */
  closing?: boolean;
  /** The coordinator's emails (launched notice, weekly summaries), carried over on continue-as-new. */
  mail?: ProgrammeMailState;
}

/** An email the programme workflow decided to send the coordinator; built from the read model when it is sent. */
export type ProgrammeMail = { kind: 'launched' } | { kind: 'weekly-summary'; weekKey: string };

export interface ProgrammeMailState {
  /**
   * pending: the launch has not finished yet; queued: decided (in `queue` or sent); skipped: the run continued from
   * code that predates these emails, so the launch (long past) is not announced late.
   */
  launchedNotice: 'pending' | 'queued' | 'skipped';
  /** The programme's zone (its units' zone), asked once the launch finished; weekly summaries follow its clock. */
  timeZone?: IndonesianTimeZone;
  /** The instant (ms) of the next weekly summary: a Monday at 07:30 in `timeZone`. */
  nextSummaryAt?: number;
  /** Decided and not sent yet (the one being sent stays first until it is done). */
  queue: ProgrammeMail[];
  /** Weekly summaries sent (or given up on), and weeks skipped because the programme was suspended. */
  summaries: number;
  skippedWeeks: number;
}

export interface ProgrammeProgress {
  status: ProgrammeStatus;
  /** Cases the programme owns, including units that joined late. */
  total: number;
  launched: number;
  closed: number;
  /** Programme actions applied so far (most recent last, at most 50). */
  actions: ProgrammeActionRecord[];
}

/** What a coordinator asks of a whole programme. Each needs a reason and says who asked. */
export type ProgrammeActionRequest = {
  by: string;
  reason: string;
} & (
  | { kind: 'extend'; workingDays: number; unitCodes?: string[]; taskKeys?: string[] }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  | { kind: 'remind'; unitCodes?: string[] }
  | { kind: 'cancel' }
  | { kind: 'close' }
  | { kind: 'migrate'; unitCodes?: string[]; template: TemplateDefinition }
);

export type PendingProgrammeAction = ProgrammeActionRequest & { actionId: string; at: string; cursor?: string };

export interface ProgrammeActionRecord {
  actionId: string;
  kind: ProgrammeActionRequest['kind'];
  by: string;
  reason: string;
  at: string;
  /** Cases the action reached and cases that refused it (e.g. already closed); set once fanned out. */
  applied?: number;
  skipped?: number;
}

export interface UnitsJoined {
  /** How many case rows the API added for the new units (they are launched like the others). */
  count: number;
  by: string;
  reason?: string;
}

export const programmeProgressQuery = defineQuery<ProgrammeProgress>('programmeProgress');
/** Sent by a case workflow when it ends (signed off, completed without sign-off, or cancelled). */
export const caseClosedSignal = defineSignal<[{ caseId: string; status?: string }]>('caseClosed');
/** Accepts a programme action; returns its id. Rejected by the validator when it makes no sense now. */
export const programmeActionRequestUpdate = defineUpdate<ProgrammeActionRecord, [ProgrammeActionRequest]>('requestProgrammeAction');
/** Units joined a running programme: their cases are launched in the next batch. */
export const unitsJoinedUpdate = defineUpdate<ProgrammeProgress, [UnitsJoined]>('unitsJoined');

/** Weekly summaries go out on Mondays at this local time, for the ISO week (Monday to Sunday) that just ended. */
export const WEEKLY_SUMMARY_TIME = '07:30';

/** The ISO 8601 week of a local date, e.g. '2027-03-14' (a Sunday) -> '2027-W10'. Pure: safe in workflows. */
export function isoWeekKey(date: LocalDate): string {
  const isoDow = dayOfWeek(date) || 7;
  const thursday = addCalendarDays(date, 4 - isoDow);
  const year = Number(thursday.slice(0, 4));
  const dayOfYear = Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return `${year}-W${String(Math.floor((dayOfYear - 1) / 7) + 1).padStart(2, '0')}`;
}

/** The local Monday and Sunday of an ISO week key ('2027-W10' -> 2027-03-08 .. 2027-03-14). */
export function isoWeekRange(weekKey: string): { monday: LocalDate; sunday: LocalDate } {
  const m = /^(\d{4})-W(\d{2})$/.exec(weekKey);
  const week = m ? Number(m[2]) : 0;
  const jan4 = m ? `${m[1]}-01-04` : '';
  if (!m || week < 1 || week > 53 || !isLocalDate(jan4)) throw new RangeError(`not an ISO week: ${weekKey}`);
  // 4 January is always in week 1.
  const monday = addCalendarDays(jan4, 1 - (dayOfWeek(jan4) || 7) + 7 * (week - 1));
  if (isoWeekKey(monday) !== weekKey) throw new RangeError(`not an ISO week: ${weekKey}`);
  return { monday, sunday: addCalendarDays(monday, 6) };
}
