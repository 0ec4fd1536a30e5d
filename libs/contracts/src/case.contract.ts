import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { NotificationRequest } from './activities.contract';
import type {
  AddFollowUpsCommand,
  CaseState,
  DecideExtensionCommand,
  IndonesianTimeZone,
  LocalDate,
  ProgrammeActionCommand,
  ReassignCommand,
  RequestExtensionCommand,
  ReviewCommand,
  RevokeDesignationCommand,
  SignOffCommand,
  SubmitCommand,
  TemplateDefinition,
  WaiveCommand,
} from '@kawal/domain';

/** Messages of the unit-case workflow, defined once and shared by the workflow and the API. */

export interface Recipient {
  email: string;
  name: string;
  locale: 'id' | 'en';
}

export interface CaseWorkflowInput {
  caseId: string;
  programmeId: string;
  programmeName: string;
  unit: { id: string; code: string; name: string; timeZone: IndonesianTimeZone };
  /** The local date the case's clock starts: the programme start, or the day a late unit joined. */
  startDate: LocalDate;
  /** Snapshot of the template version the programme was launched with: running cases never change under it. */
  template: TemplateDefinition;
  /** Holidays (local dates: national, cuti bersama and the programme's local days) skipped when counting working days. */
  holidays: LocalDate[];
  /** Who gets the unit's reminders. */
  unitHeads: Recipient[];
  /** Heads of the unit's parent (e.g. the camat of a kelurahan): the second rung of escalation. */
  parentUnitHeads?: Recipient[];
  coordinator: Recipient;
  /** Base URL for links in emails. */
  publicBaseUrl: string;
  /** Start suspended (a unit launched while its programme is suspended). */
  suspended?: { since: LocalDate; by: string; reason: string };
  /** Continue as new once the history passes this many events (default 5,000; tests lower it). */
  historyLimit?: number;
  /** Present when continuing as new: the state carried over intact. */
  state?: CaseState;
  /** Notifications queued but not yet sent when the run continued as new. */
  pendingNotifications?: NotificationRequest[];
}

export interface CaseResult {
  caseId: string;
  status: CaseState['status'];
}

export const caseStateQuery = defineQuery<CaseState>('caseState');
export const submitTaskUpdate = defineUpdate<CaseState, [SubmitCommand]>('submitTask');
export const reviewTaskUpdate = defineUpdate<CaseState, [ReviewCommand]>('reviewTask');
export const requestExtensionUpdate = defineUpdate<CaseState, [RequestExtensionCommand]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<CaseState, [DecideExtensionCommand]>('decideExtension');
export const waiveTaskUpdate = defineUpdate<CaseState, [WaiveCommand]>('waiveTask');
export const reassignTaskUpdate = defineUpdate<CaseState, [ReassignCommand]>('reassignTask');
export const signOffCaseUpdate = defineUpdate<CaseState, [SignOffCommand]>('signOffCase');
/** A programme-wide action (extend, suspend, resume, remind, cancel, close, migrate) applied to this case. */
export const programmeActionUpdate = defineUpdate<CaseState, [ProgrammeActionCommand]>('programmeAction');
/** Revokes the case's designation (an upheld maladministration report): reopens the template's listed tasks. */
export const revokeDesignationUpdate = defineUpdate<CaseState, [RevokeDesignationCommand]>('revokeDesignation');
/** Adds follow-up tasks (e.g. the notes of the Ombudsman's rapor for this unit), each with an owner and a deadline. */
export const addFollowUpsUpdate = defineUpdate<CaseState, [AddFollowUpsCommand]>('addFollowUps');
