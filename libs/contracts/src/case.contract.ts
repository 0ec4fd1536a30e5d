import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { NotificationRequest } from './activities.contract';
import type { CaseState, IndonesianTimeZone, LocalDate, ReviewCommand, SubmitCommand, TemplateDefinition } from '@kawal/domain';

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
  startDate: LocalDate;
  /** Snapshot of the template version the programme was launched with: running cases never change under it. */
  template: TemplateDefinition;
  /** Holidays (local dates) to skip when counting working days. */
  holidays: LocalDate[];
  /** Who gets the unit's reminders. */
  unitHeads: Recipient[];
  coordinator: Recipient;
  /** Base URL for links in emails. */
  publicBaseUrl: string;
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
