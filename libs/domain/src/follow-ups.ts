import { isLocalDate, LocalDate, compareLocalDates } from './calendar';
import { CaseContext, CaseState, CaseTask, CommandRejected, EMAIL_RE, Person, iso, setDueDate, skipPastRungs, today } from './case-state';

/**
 * Follow-up tasks a coordinator adds to one unit's case while the programme runs: typically one per note of the
 * Ombudsman's rapor (report card) for that unit, each with an owner and a deadline. They are ordinary tasks from
 * then on (submitted with evidence, reviewed, reminded, escalated, scored) and are kept across template migrations.
 */
export const FOLLOW_UP_TEMPLATE_KEY = 'follow-up';
export const FOLLOW_UP_KEY = /^follow-up-\d+$/;

export interface FollowUpItem {
  title: string;
  description?: string;
  /** The person who owns the follow-up; the unit's heads when absent. */
  owner?: Person;
  /** A local due date (moved to the next working day), or a number of working days from today. */
  dueDate?: LocalDate;
  workingDays?: number;
}

export interface AddFollowUpsCommand {
  by: string;
  /** Where the notes come from, e.g. "Rapor Ombudsman RI 2024". */
  source: string;
  items: FollowUpItem[];
}

function reject(code: string, id: string, en: string): never {
  throw new CommandRejected(code, { id, en });
}

export function checkAddFollowUps(state: CaseState, ctx: CaseContext, cmd: AddFollowUpsCommand): void {
  const f = ctx.template.followUps;
  if (!f) reject('FOLLOW_UPS_NOT_ALLOWED', `templat "${ctx.template.key}" tidak menerima tugas tindak lanjut tambahan`, `template "${ctx.template.key}" does not take added follow-up tasks`);
  if (state.status !== 'ACTIVE' && state.status !== 'COMPLETED') reject('CASE_CLOSED', `kasus ini sudah ditutup (${state.status})`, `the case is closed (${state.status})`);
  if (!cmd.source?.trim()) reject('SOURCE_REQUIRED', 'sumber catatan (mis. "Rapor Ombudsman 2024") wajib diisi', 'source (e.g. "Ombudsman rapor 2024") is required');
  if (!Array.isArray(cmd.items) || cmd.items.length === 0) reject('ITEMS_REQUIRED', 'paling sedikit satu tindak lanjut', 'items must hold at least one follow-up');
  const existing = state.tasks.filter((t) => t.templateKey === FOLLOW_UP_TEMPLATE_KEY).length;
  if (existing + cmd.items.length > f.maxPerCase) {
    reject('TOO_MANY_FOLLOW_UPS', `kasus ini paling banyak memuat ${f.maxPerCase} tindak lanjut (sudah ${existing})`, `a case holds at most ${f.maxPerCase} follow-ups (it has ${existing})`);
  }
  const day = today(state, ctx.now);
  cmd.items.forEach((item, i) => {
    const at = `items[${i}]`;
    if (!item.title?.trim() || item.title.length > 300) reject('INVALID_TITLE', `${at}.title wajib diisi, paling banyak 300 karakter`, `${at}.title is required, at most 300 characters`);
    if (item.owner && !EMAIL_RE.test(item.owner.email ?? '')) reject('INVALID_OWNER', `${at}.owner harus memiliki alamat email yang sah`, `${at}.owner needs a valid email address`);
    if (item.dueDate !== undefined && item.workingDays !== undefined) reject('INVALID_DUE', `${at}: isi dueDate atau workingDays, bukan keduanya`, `${at}: give dueDate or workingDays, not both`);
    if (item.dueDate !== undefined) {
      if (!isLocalDate(item.dueDate)) reject('INVALID_DUE_DATE', `${at}.dueDate harus tanggal YYYY-MM-DD`, `${at}.dueDate must be a calendar date YYYY-MM-DD`);
      if (compareLocalDates(item.dueDate, day) < 0) reject('DUE_DATE_PASSED', `${at}.dueDate ${item.dueDate} sudah lewat (hari ini ${day})`, `${at}.dueDate ${item.dueDate} is in the past (today is ${day})`);
    }
    if (item.workingDays !== undefined && (!Number.isInteger(item.workingDays) || item.workingDays < 1 || item.workingDays > 365)) {
      reject('INVALID_WORKING_DAYS', `${at}.workingDays harus 1 sampai 365`, `${at}.workingDays must be a whole number from 1 to 365`);
    }
  });
}

/** Adds the follow-ups as open tasks; returns them (the workflow tells each owner). */
export function applyAddFollowUps(state: CaseState, ctx: CaseContext, cmd: AddFollowUpsCommand): CaseTask[] {
  checkAddFollowUps(state, ctx, cmd);
  const f = ctx.template.followUps!;
  const at = iso(ctx.now);
  const day = today(state, ctx.now);
  let n = state.tasks.filter((t) => t.templateKey === FOLLOW_UP_TEMPLATE_KEY).length;
  const added: CaseTask[] = [];
  for (const item of cmd.items) {
    n++;
    const task: CaseTask = {
      key: `follow-up-${n}`,
      templateKey: FOLLOW_UP_TEMPLATE_KEY,
      title: item.title.trim(),
      assigneeRole: 'UNIT_HEAD',
      ...(item.owner ? { assignee: { email: item.owner.email, name: item.owner.name, locale: item.owner.locale === 'en' ? 'en' : 'id' } } : {}),
      state: 'OPEN',
      dueDate: null,
      dueAt: null,
      overdue: false,
      escalationLevel: 0,
      reviewLevel: 0,
      reviewLevels: f.review?.levels.length ?? 0,
      minEvidence: f.evidence.minItems,
      requiredChecklist: [],
      checklist: [],
      checked: [],
      weight: f.weight,
      ...(f.component ? { component: f.component } : {}),
      followUp: { source: cmd.source.trim(), addedBy: cmd.by, ...(item.description?.trim() ? { description: item.description.trim() } : {}) },
      evidenceIds: [],
      rungsDone: [],
      history: [{ at, by: cmd.by, action: 'added', comment: cmd.source.trim(), after: { owner: item.owner?.email ?? null } }],
    };
    // Counted from the next working day when added on a weekend or holiday, like every other reference date.
    const due = item.dueDate !== undefined ? ctx.calendar.onOrAfter(item.dueDate) : ctx.calendar.addWorkingDays(ctx.calendar.onOrAfter(day), item.workingDays ?? f.defaultWorkingDays);
    setDueDate(state, task, due);
    skipPastRungs(state, task, ctx);
    state.tasks.push(task);
    added.push(task);
  }
  state.history.push({ at, by: cmd.by, action: 'follow-ups-added', comment: cmd.source.trim(), after: { tasks: added.map((t) => t.key) } });
  if (state.status === 'COMPLETED') state.status = 'ACTIVE';
  state.version++;
  return added;
}
