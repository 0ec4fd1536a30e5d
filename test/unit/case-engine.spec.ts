import { CaseContext, CaseState, CommandRejected, IndonesianTimeZone, LocalDate, ProgrammeActionCommand, TIME_ZONES, TemplateDefinition, TimerEvent, WorkingCalendar, addMonths, applyAddFollowUps, applyDecideExtension, applyRevokeDesignation, checkAddFollowUps, checkRevokeDesignation, designationOf, applyProgrammeAction, applyRequestExtension, applyReview, applySignOff, applySubmit, applyTimerEvent, checkProgrammeAction, checkSignOff, checkSubmit, dayOfWeek, findTask, localDateAt, newCaseState, nextTimerEvent, settle, skipPastRungs } from '@kawal/domain';
import { parseTemplate } from '@kawal/templates';
import { holidaysBetween } from '@kawal/holidays';

/**
 * The case engine without Temporal: the case workflow calls exactly these functions with its deterministic
 * clock. The time-skipping test server cannot start in the past, so crossing the 2026 holidays (cuti bersama
 * around Imlek, Nyepi and Idul Fitri, Good Friday, Ascension, Idul Adha, Pancasila) is proven here by driving
 * the engine's own clock: next event, move the clock to it, apply it.
 */

const HOLIDAYS_2026 = holidaysBetween('2026-01-01', '2026-12-31');
const CAL_2026 = new WorkingCalendar(HOLIDAYS_2026);

const UNIT_CODE: Record<'Asia/Makassar' | 'Asia/Jakarta', string> = {
  'Asia/Makassar': '63.72.01.1001', // Kalimantan Selatan, WITA
  'Asia/Jakarta': '31.71.01.1001', // DKI Jakarta, WIB
};

type Raw = Record<string, unknown>;
const task = (key: string, due: Raw, extra: Raw = {}): Raw => ({ key, title: { id: key }, assigneeRole: 'UNIT_HEAD', due, ...extra });
const oneReview = { levels: [{ role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] };

const template = (tasks: Raw[], extra: Raw = {}): TemplateDefinition =>
  parseTemplate({ key: 'uji-mesin', version: 1, name: { id: 'Uji mesin' }, tasks, ...extra });

/** The 90-day programme: three tasks at +20/+40/+60 working days, a five-rung ladder and a three-rung escalation chain. */
const LADDER = [{ workingDaysBefore: 5 }, { workingDaysBefore: 1 }, { workingDaysBefore: 0 }, { workingDaysAfter: 1 }, { workingDaysAfter: 3 }];
const CHAIN = [
  { afterWorkingDays: 2, to: 'UNIT_HEAD' },
  { afterWorkingDays: 5, to: 'PARENT_UNIT_HEAD' },
  { afterWorkingDays: 10, to: 'COORDINATOR' },
];
const programme90 = template(
  [
    task('t20', { from: 'programmeStart', workingDays: 20 }, { review: oneReview }),
    task('t40', { from: 'programmeStart', workingDays: 40 }, { review: oneReview }),
    task('t60', { from: 'programmeStart', workingDays: 60 }, { review: oneReview }),
  ],
  { reminders: LADDER, escalation: CHAIN },
);

function openCase(
  tmpl: TemplateDefinition,
  opts: { tz?: IndonesianTimeZone; startDate: LocalDate; now: string; calendar?: WorkingCalendar },
): { state: CaseState; ctx: CaseContext } {
  const tz = opts.tz ?? 'Asia/Makassar';
  const ctx: CaseContext = { template: tmpl, calendar: opts.calendar ?? CAL_2026, now: Date.parse(opts.now) };
  const state = newCaseState({
    caseId: 'case-1',
    programmeId: 'programme-1',
    unitCode: UNIT_CODE[tz as keyof typeof UNIT_CODE] ?? '63.72.01.1001',
    timeZone: tz,
    startDate: opts.startDate,
    ctx,
  });
  return { state, ctx };
}

/** Local wall-clock "YYYY-MM-DD HH:MM" of an instant in the case's zone. */
const local = (at: number, tz: IndonesianTimeZone): string =>
  new Date(at + TIME_ZONES[tz] * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

interface Fired {
  event: TimerEvent;
  /** The clock had already passed the event's instant when it was picked (a catch-up, not a timer). */
  late: boolean;
  local: string;
}

/**
 * Drives the clock the way the case workflow does: the earliest event, the clock moved to it, the event applied
 * ("open" settles the case) — until the next event is after `until` or there is none.
 */
function drive(state: CaseState, ctx: CaseContext, until: string, before?: (e: TimerEvent) => void): Fired[] {
  const limit = Date.parse(until);
  const fired: Fired[] = [];
  for (let guard = 0; ; guard++) {
    if (guard > 5_000) throw new Error('the clock does not settle');
    const e = nextTimerEvent(state, ctx);
    if (!e || e.at > limit) break;
    const late = e.at < ctx.now;
    ctx.now = Math.max(ctx.now, e.at);
    before?.(e);
    applyTimerEvent(state, ctx, e);
    if (e.kind === 'open') settle(state, ctx);
    fired.push({ event: e, late, local: local(e.at, state.timeZone) });
  }
  return fired;
}

/** Drives the clock to an instant (events on the way fire), then moves it there and settles. */
function advanceTo(state: CaseState, ctx: CaseContext, instant: string): Fired[] {
  const fired = drive(state, ctx, instant);
  ctx.now = Math.max(ctx.now, Date.parse(instant));
  settle(state, ctx);
  return fired;
}

/** A compact description of an event, for whole-timeline assertions. */
const describeEvent = (f: Fired): string => {
  const e = f.event;
  if (e.kind === 'reminder') return `reminder ${e.offset > 0 ? '+' : ''}${e.offset} @ ${f.local}`;
  if (e.kind === 'escalation') return `escalation ${e.level} ${e.target} @ ${f.local}`;
  return `${e.kind} @ ${f.local}`;
};
const forTask = (fired: Fired[], key: string) => fired.filter((f) => 'taskKey' in f.event && f.event.taskKey === key);

function rejection(fn: () => unknown): CommandRejected {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CommandRejected);
    return err as CommandRejected;
  }
  throw new Error('expected the command to be rejected');
}

const action = (cmd: { kind: string } & Raw, actionId = `action-${Math.random()}`): ProgrammeActionCommand =>
  ({ actionId, by: 'koordinator@example.go.id', reason: 'keputusan rapat koordinasi', ...cmd }) as ProgrammeActionCommand;

// -------------------------------------------------------------------------------------------------------------

describe('the 2026 calendar the engine runs on', () => {
  it('has the SKB 2026 days off between the programme start and the last due date', () => {
    const off = HOLIDAYS_2026.filter((d) => d >= '2026-02-01' && d <= '2026-06-30' && dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6);
    expect(off).toEqual([
      '2026-02-16', // cuti bersama Imlek
      '2026-02-17', // Imlek
      '2026-03-18', // cuti bersama Nyepi
      '2026-03-19', // Nyepi
      '2026-03-20', // cuti bersama Idul Fitri
      '2026-03-23', // cuti bersama Idul Fitri
      '2026-03-24', // cuti bersama Idul Fitri
      '2026-04-03', // Good Friday
      '2026-05-01', // Labour Day
      '2026-05-14', // Ascension
      '2026-05-15', // cuti bersama Ascension
      '2026-05-27', // Idul Adha
      '2026-05-28', // cuti bersama Idul Adha
      '2026-06-01', // Pancasila
      '2026-06-16', // 1 Muharam
    ]);
  });

  it('counts the hand-counted due dates from the first working day after Imlek', () => {
    expect(CAL_2026.onOrAfter('2026-02-16')).toBe('2026-02-18');
    expect(CAL_2026.addWorkingDays('2026-02-18', 20)).toBe('2026-03-25');
    expect(CAL_2026.addWorkingDays('2026-02-18', 40)).toBe('2026-04-23');
    expect(CAL_2026.addWorkingDays('2026-02-18', 60)).toBe('2026-05-26');
  });
});

describe.each([
  {
    tz: 'Asia/Makassar' as const,
    dueAt: { t20: '2026-03-25T15:59:59.999Z', t40: '2026-04-23T15:59:59.999Z', t60: '2026-05-26T15:59:59.999Z' },
    // 07:30 WITA is 23:30Z the day before.
    t20Reminders: ['2026-03-10T23:30:00.000Z', '2026-03-16T23:30:00.000Z', '2026-03-24T23:30:00.000Z', '2026-03-25T23:30:00.000Z', '2026-03-29T23:30:00.000Z'],
    t20Deadline: '2026-03-25T16:00:00.000Z',
  },
  {
    tz: 'Asia/Jakarta' as const,
    dueAt: { t20: '2026-03-25T16:59:59.999Z', t40: '2026-04-23T16:59:59.999Z', t60: '2026-05-26T16:59:59.999Z' },
    // 07:30 WIB is 00:30Z the same day.
    t20Reminders: ['2026-03-11T00:30:00.000Z', '2026-03-17T00:30:00.000Z', '2026-03-25T00:30:00.000Z', '2026-03-26T00:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    t20Deadline: '2026-03-25T17:00:00.000Z',
  },
])('a 90-day programme across the 2026 holidays and cuti bersama ($tz)', ({ tz, dueAt, t20Reminders, t20Deadline }) => {
  let state: CaseState;
  let ctx: CaseContext;
  let fired: Fired[];
  const overdueBeforeDeadline: Record<string, boolean> = {};

  beforeAll(() => {
    // Created at midnight UTC on Monday 16 February 2026 (cuti bersama Imlek; 17 February is Imlek itself).
    ({ state, ctx } = openCase(programme90, { tz, startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' }));
    fired = drive(state, ctx, '2026-06-30T23:59:59.999Z', (e) => {
      if (e.kind === 'deadline') overdueBeforeDeadline[e.taskKey] = findTask(state, e.taskKey).overdue;
    });
  });

  it('starts the case on the first working day after Imlek and opens every task', () => {
    expect(state.startDate).toBe('2026-02-18');
    expect(state.timeZone).toBe(tz);
    expect(state.tasks.map((t) => t.state)).toEqual(['OPEN', 'OPEN', 'OPEN']);
  });

  it('gives every task its hand-counted due date, due at the end of the local day', () => {
    expect(state.tasks.map((t) => [t.key, t.dueDate, t.dueAt])).toEqual([
      ['t20', '2026-03-25', dueAt.t20],
      ['t40', '2026-04-23', dueAt.t40],
      ['t60', '2026-05-26', dueAt.t60],
    ]);
  });

  it('sends the first task its reminders at 07:30 local on the right working days', () => {
    const reminders = forTask(fired, 't20').filter((f) => f.event.kind === 'reminder');
    expect(reminders.map((f) => new Date(f.event.at).toISOString())).toEqual(t20Reminders);
    expect(reminders.map((f) => f.local)).toEqual(['2026-03-11 07:30', '2026-03-17 07:30', '2026-03-25 07:30', '2026-03-26 07:30', '2026-03-30 07:30']);
    expect(reminders.map((f) => (f.event as { offset: number }).offset)).toEqual([-5, -1, 0, 1, 3]);
  });

  it('runs each task through its whole timeline: ladder, deadline and escalation chain, in order', () => {
    expect(forTask(fired, 't20').map(describeEvent)).toEqual([
      'reminder -5 @ 2026-03-11 07:30',
      'reminder -1 @ 2026-03-17 07:30', // 18-24 March are Nyepi, Idul Fitri and their cuti bersama
      'reminder 0 @ 2026-03-25 07:30',
      'deadline @ 2026-03-26 00:00',
      'reminder +1 @ 2026-03-26 07:30',
      'escalation 1 UNIT_HEAD @ 2026-03-27 07:30',
      'reminder +3 @ 2026-03-30 07:30',
      'escalation 2 PARENT_UNIT_HEAD @ 2026-04-01 07:30',
      'escalation 3 COORDINATOR @ 2026-04-09 07:30', // skips Good Friday, 3 April
    ]);
    expect(forTask(fired, 't40').map(describeEvent)).toEqual([
      'reminder -5 @ 2026-04-16 07:30',
      'reminder -1 @ 2026-04-22 07:30',
      'reminder 0 @ 2026-04-23 07:30',
      'deadline @ 2026-04-24 00:00',
      'reminder +1 @ 2026-04-24 07:30',
      'escalation 1 UNIT_HEAD @ 2026-04-27 07:30',
      'reminder +3 @ 2026-04-28 07:30',
      'escalation 2 PARENT_UNIT_HEAD @ 2026-04-30 07:30',
      'escalation 3 COORDINATOR @ 2026-05-08 07:30', // skips Labour Day, 1 May
    ]);
    expect(forTask(fired, 't60').map(describeEvent)).toEqual([
      'reminder -5 @ 2026-05-19 07:30',
      'reminder -1 @ 2026-05-25 07:30',
      'reminder 0 @ 2026-05-26 07:30',
      'deadline @ 2026-05-27 00:00',
      'reminder +1 @ 2026-05-29 07:30', // 27-28 May are Idul Adha and its cuti bersama
      'escalation 1 UNIT_HEAD @ 2026-06-02 07:30', // 1 June is Pancasila
      'reminder +3 @ 2026-06-03 07:30',
      'escalation 2 PARENT_UNIT_HEAD @ 2026-06-05 07:30',
      'escalation 3 COORDINATOR @ 2026-06-12 07:30',
    ]);
    // Nothing else happens, and nothing is left to happen.
    expect(fired).toHaveLength(27);
    expect(nextTimerEvent(state, ctx)).toBeUndefined();
  });

  it('fires every event on time, in time order, never catching up on a past one', () => {
    expect(fired.every((f) => !f.late)).toBe(true);
    const ats = fired.map((f) => f.event.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    expect(ats[0]).toBeGreaterThan(Date.parse('2026-02-16T00:00:00.000Z'));
  });

  it('never reminds or escalates on a weekend, a 2026 holiday or a day of cuti bersama', () => {
    const ladderAndChain = fired.filter((f) => f.event.kind === 'reminder' || f.event.kind === 'escalation');
    expect(ladderAndChain).toHaveLength(24);
    for (const f of ladderAndChain) {
      const day = localDateAt(f.event.at, tz);
      expect({ day, working: CAL_2026.isWorkingDay(day) }).toEqual({ day, working: true });
      expect(HOLIDAYS_2026).not.toContain(day);
      expect([0, 6]).not.toContain(dayOfWeek(day));
      expect(f.local.slice(11)).toBe('07:30');
    }
  });

  it('fires each rung once per task', () => {
    const rungs = fired.filter((f) => f.event.kind === 'reminder').map((f) => `${(f.event as { taskKey: string }).taskKey}/${(f.event as { offset: number }).offset}`);
    expect(rungs).toHaveLength(15);
    expect(new Set(rungs).size).toBe(15);
    for (const t of state.tasks) expect([...t.rungsDone].sort((a, b) => a - b)).toEqual([-5, -1, 0, 1, 3]);
  });

  it('marks each task overdue at the end of its due day, not before', () => {
    const deadline = forTask(fired, 't20').find((f) => f.event.kind === 'deadline')!;
    expect(new Date(deadline.event.at).toISOString()).toBe(t20Deadline);
    expect(overdueBeforeDeadline).toEqual({ t20: false, t40: false, t60: false });
    expect(state.tasks.map((t) => [t.key, t.overdue, t.escalationLevel])).toEqual([
      ['t20', true, 3],
      ['t40', true, 3],
      ['t60', true, 3],
    ]);
    expect(findTask(state, 't20').history.map((h) => [h.action, h.level, h.after])).toEqual([
      ['escalated', 1, { target: 'UNIT_HEAD' }],
      ['escalated', 2, { target: 'PARENT_UNIT_HEAD' }],
      ['escalated', 3, { target: 'COORDINATOR' }],
    ]);
  });
});

describe('a case that starts late', () => {
  it('skips the rungs that have already passed instead of sending them in a burst', () => {
    // The programme started on 16 February; this unit's case is created on Monday 16 March at 11:00 WITA.
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-03-16T03:00:00.000Z' });
    expect(findTask(state, 't20').dueDate).toBe('2026-03-25'); // the deadline still counts from the programme start
    expect(findTask(state, 't20').rungsDone).toEqual([-5]); // 11 March 07:30 has passed
    expect(findTask(state, 't40').rungsDone).toEqual([]);
    const first = nextTimerEvent(state, ctx)!;
    expect(first).toMatchObject({ kind: 'reminder', taskKey: 't20', offset: -1 });
    expect(local(first.at, 'Asia/Makassar')).toBe('2026-03-17 07:30');

    const fired = drive(state, ctx, '2026-06-30T23:59:59.999Z');
    expect(fired.every((f) => !f.late)).toBe(true);
    expect(forTask(fired, 't20').filter((f) => f.event.kind === 'reminder').map(describeEvent)).toEqual([
      'reminder -1 @ 2026-03-17 07:30',
      'reminder 0 @ 2026-03-25 07:30',
      'reminder +1 @ 2026-03-26 07:30',
      'reminder +3 @ 2026-03-30 07:30',
    ]);
    expect(forTask(fired, 't40').filter((f) => f.event.kind === 'reminder')).toHaveLength(5);
  });

  it('joining after a due date skips the whole passed ladder; the task is overdue at once', () => {
    // Created on Friday 27 March 2026 at 11:00 WITA: t20 was due on the 25th.
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-03-27T03:00:00.000Z' });
    expect(findTask(state, 't20').rungsDone.sort((a, b) => a - b)).toEqual([-5, -1, 0, 1]);
    const first = nextTimerEvent(state, ctx)!;
    expect(first).toMatchObject({ kind: 'deadline', taskKey: 't20' });
    const fired = drive(state, ctx, '2026-03-31T00:00:00.000Z');
    expect(findTask(state, 't20').overdue).toBe(true);
    expect(forTask(fired, 't20').filter((f) => f.event.kind === 'reminder').map(describeEvent)).toEqual(['reminder +3 @ 2026-03-30 07:30']);
  });
});

describe('phases, dependencies and the taskCompleted due rule', () => {
  const staged = template(
    [
      task('sk-tim', { from: 'programmeStart', workingDays: 5 }, { phase: 'persiapan' }),
      task('rencana', { from: 'taskCompleted', task: 'sk-tim', workingDays: 3 }, { phase: 'persiapan' }),
      task('laksana', { from: 'phaseStart', workingDays: 10 }, { phase: 'pelaksanaan' }),
      task('laporan', { date: '2026-03-21' }, { dependsOn: ['laksana'] }), // Idul Fitri, a Saturday
    ],
    {
      phases: [
        { key: 'persiapan', name: { id: 'Persiapan' } },
        { key: 'pelaksanaan', name: { id: 'Pelaksanaan' }, start: { from: 'phaseCompleted', phase: 'persiapan', workingDays: 2 } },
      ],
    },
  );

  it('opens tasks as their dependencies are done, counting from the completion date', () => {
    // Created at 08:00 WITA on Wednesday 18 February, the first working day (the first phase starts then).
    const { state, ctx } = openCase(staged, { startDate: '2026-02-16', now: '2026-02-18T00:00:00.000Z' });
    expect(state.phases).toEqual([
      { key: 'persiapan', startedOn: '2026-02-18', completedOn: null },
      { key: 'pelaksanaan', startedOn: null, completedOn: null },
    ]);
    expect(state.tasks.map((t) => [t.key, t.state, t.dueDate])).toEqual([
      ['sk-tim', 'OPEN', '2026-02-25'],
      ['rencana', 'BLOCKED', null], // counts from a completion that has not happened
      ['laksana', 'BLOCKED', null], // its phase has not started
      ['laporan', 'BLOCKED', '2026-03-25'], // a fixed date on a holiday moves to the next working day (past Idul Fitri and cuti bersama)
    ]);
    expect(rejection(() => checkSubmit(state, ctx, { taskKey: 'rencana', by: 'lurah', evidenceIds: [] })).reason.en).toBe(
      'task "rencana" cannot be worked on yet: waiting for task(s) "sk-tim" to be completed',
    );

    // sk-tim is approved (no review) on Saturday 21 February: rencana counts from the next working day, Monday 23rd.
    ctx.now = Date.parse('2026-02-21T02:00:00.000Z');
    applySubmit(state, ctx, { taskKey: 'sk-tim', by: 'lurah', evidenceIds: [] });
    expect(findTask(state, 'sk-tim')).toMatchObject({ state: 'APPROVED', completedOn: '2026-02-21' });
    const opened = settle(state, ctx);
    expect(opened.map((t) => t.key)).toEqual(['rencana']);
    expect(findTask(state, 'rencana')).toMatchObject({ state: 'OPEN', dueDate: '2026-02-26' });
    expect(settle(state, ctx)).toEqual([]); // idempotent

    // rencana done on Friday 6 March: persiapan completes; pelaksanaan starts 2 working days later (Tuesday 10th).
    ctx.now = Date.parse('2026-03-06T02:00:00.000Z');
    applySubmit(state, ctx, { taskKey: 'rencana', by: 'lurah', evidenceIds: [] });
    expect(settle(state, ctx)).toEqual([]);
    expect(state.phases).toEqual([
      { key: 'persiapan', startedOn: '2026-02-18', completedOn: '2026-03-06' },
      { key: 'pelaksanaan', startedOn: '2026-03-10', completedOn: null },
    ]);
    // Its due date is known (10 working days from the phase start, past 18-24 March) but it opens on the 10th.
    expect(findTask(state, 'laksana')).toMatchObject({ state: 'BLOCKED', dueDate: '2026-03-31' });
    expect(rejection(() => checkSubmit(state, ctx, { taskKey: 'laksana', by: 'lurah', evidenceIds: [] })).reason.en).toBe(
      'task "laksana" cannot be worked on yet: phase "pelaksanaan" starts on 2026-03-10',
    );
    const fired = drive(state, ctx, '2026-03-10T12:00:00.000Z');
    expect(fired.map(describeEvent)).toEqual(['open @ 2026-03-10 07:30']);
    expect(findTask(state, 'laksana').state).toBe('OPEN');
    expect(findTask(state, 'laporan').state).toBe('BLOCKED');

    ctx.now = Date.parse('2026-03-12T02:00:00.000Z');
    applySubmit(state, ctx, { taskKey: 'laksana', by: 'lurah', evidenceIds: [] });
    expect(settle(state, ctx).map((t) => t.key)).toEqual(['laporan']);
    expect(state.phases[1]).toEqual({ key: 'pelaksanaan', startedOn: '2026-03-10', completedOn: '2026-03-12' });
  });
});

describe('recurrence', () => {
  it('adds months clamped to the end of the month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 2)).toBe('2026-03-31'); // from the anchor, not from the clamped 28th
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('opens occurrence n on the first working day on or after the anchor + n months (2025: anchor 31 January, Idul Fitri)', () => {
    const calendar = new WorkingCalendar(holidaysBetween('2025-01-01', '2025-12-31'));
    const monthly = template([task('monitoring', { from: 'programmeStart', workingDays: 5 }, { recurrence: { everyMonths: 1, times: 3 } })]);
    const { state, ctx } = openCase(monthly, { startDate: '2025-01-31', now: '2025-01-31T00:00:00.000Z', calendar });
    expect(state.startDate).toBe('2025-01-31'); // a Friday and a working day
    expect(state.tasks.map((t) => [t.key, t.occurrence, t.state, t.opensOn, t.dueDate])).toEqual([
      ['monitoring.1', 1, 'BLOCKED', '2025-02-28', '2025-03-07'], // 31 Jan + 1 month = 28 Feb
      ['monitoring.2', 2, 'BLOCKED', '2025-04-08', '2025-04-15'], // 31 Mar is Idul Fitri; 1 Apr too; 2-4 and 7 Apr cuti bersama
      ['monitoring.3', 3, 'BLOCKED', '2025-04-30', '2025-05-08'], // 30 Apr; the due count skips 1 May
    ]);
    expect(rejection(() => checkSubmit(state, ctx, { taskKey: 'monitoring.1', by: 'lurah', evidenceIds: [] })).reason.en).toBe(
      'task "monitoring.1" cannot be worked on yet: this task opens on 2025-02-28',
    );

    const fired = drive(state, ctx, '2025-02-27T23:29:59.999Z'); // just before 07:30 WITA on 28 February
    expect(fired).toEqual([]);
    expect(findTask(state, 'monitoring.1').state).toBe('BLOCKED');
    const opens = drive(state, ctx, '2025-05-01T00:00:00.000Z', (e) => {
      if (e.kind === 'open') {
        // Nothing is open before its day.
        const day = localDateAt(e.at, state.timeZone);
        for (const t of state.tasks) if (t.opensOn! >= day) expect(t.state).toBe('BLOCKED');
      }
    }).filter((f) => f.event.kind === 'open');
    expect(opens.map(describeEvent)).toEqual(['open @ 2025-02-28 07:30', 'open @ 2025-04-08 07:30', 'open @ 2025-04-30 07:30']);
    expect(state.tasks.map((t) => t.state)).toEqual(['OPEN', 'OPEN', 'OPEN']);
  });

  it('counts a recurring task from the completion of the task it follows (2026)', () => {
    const tmpl = template([
      task('penetapan', { from: 'programmeStart', workingDays: 5 }),
      task('monitoring', { from: 'taskCompleted', task: 'penetapan', workingDays: 5 }, { recurrence: { everyMonths: 1, times: 2 } }),
    ]);
    const { state, ctx } = openCase(tmpl, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    expect(findTask(state, 'monitoring.1')).toMatchObject({ state: 'BLOCKED', dueDate: null });
    expect(findTask(state, 'monitoring.1').opensOn).toBeUndefined();
    ctx.now = Date.parse('2026-02-18T03:00:00.000Z');
    applySubmit(state, ctx, { taskKey: 'penetapan', by: 'lurah', evidenceIds: [] });
    settle(state, ctx);
    // 18 Feb + 1 month = 18 Mar (cuti bersama Nyepi) -> 25 Mar; + 2 months = 18 Apr (Saturday) -> 20 Apr.
    expect(state.tasks.slice(1).map((t) => [t.key, t.state, t.opensOn, t.dueDate])).toEqual([
      ['monitoring.1', 'BLOCKED', '2026-03-25', '2026-04-01'],
      ['monitoring.2', 'BLOCKED', '2026-04-20', '2026-04-27'],
    ]);
    drive(state, ctx, '2026-03-24T23:29:59.999Z'); // 07:29:59.999 WITA on 25 March
    expect(findTask(state, 'monitoring.1').state).toBe('BLOCKED');
    expect(drive(state, ctx, '2026-03-24T23:30:00.000Z').map(describeEvent)).toEqual(['open @ 2026-03-25 07:30']);
    expect(findTask(state, 'monitoring.1').state).toBe('OPEN');
    expect(findTask(state, 'monitoring.2').state).toBe('BLOCKED');
  });
});

describe('commands', () => {
  const WITA_NOON = (day: string) => `${day}T04:00:00.000Z`; // 12:00 WITA

  it('an approved extension moves the due date by working days and clears overdue and escalation', () => {
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    advanceTo(state, ctx, WITA_NOON('2026-03-27'));
    expect(findTask(state, 't20')).toMatchObject({ overdue: true, escalationLevel: 1 });
    applyRequestExtension(state, ctx, { taskKey: 't20', by: 'lurah', workingDays: 5, reason: 'arsip terendam banjir' });
    const { from, to } = applyDecideExtension(state, ctx, { taskKey: 't20', by: 'koordinator', approve: true });
    expect([from, to]).toEqual(['2026-03-25', '2026-04-01']);
    const t20 = findTask(state, 't20');
    expect(t20).toMatchObject({ dueDate: '2026-04-01', dueAt: '2026-04-01T15:59:59.999Z', overdue: false, escalationLevel: 0, extensionRequest: undefined });
    expect(t20.rungsDone).toEqual([-5]); // 25 March 07:30 has passed; the rest of the ladder restarts
    expect(t20.history.slice(-1)[0]).toMatchObject({ action: 'extension-approved', before: { dueDate: '2026-03-25' }, after: { dueDate: '2026-04-01', workingDays: 5 } });
    const next = forTask(drive(state, ctx, '2026-04-10T00:00:00.000Z'), 't20').map(describeEvent);
    expect(next).toEqual([
      'reminder -1 @ 2026-03-31 07:30',
      'reminder 0 @ 2026-04-01 07:30',
      'deadline @ 2026-04-02 00:00',
      'reminder +1 @ 2026-04-02 07:30',
      'escalation 1 UNIT_HEAD @ 2026-04-06 07:30', // Good Friday
      'reminder +3 @ 2026-04-07 07:30',
      'escalation 2 PARENT_UNIT_HEAD @ 2026-04-09 07:30',
    ]);
  });

  it('a programme extension with taskKeys moves only those tasks, once per actionId', () => {
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    const cmd = action({ kind: 'extend', workingDays: 5, taskKeys: ['t40'] }, 'extend-t40');
    const effect = applyProgrammeAction(state, ctx, cmd);
    expect(effect.workingDays).toBe(5);
    expect(state.tasks.map((t) => t.dueDate)).toEqual(['2026-03-25', '2026-04-30', '2026-05-26']);
    expect(findTask(state, 't40').history).toEqual([
      expect.objectContaining({ action: 'deadline-moved', before: { dueDate: '2026-04-23' }, after: { dueDate: '2026-04-30' } }),
    ]);
    expect(state.history.slice(-1)[0]).toMatchObject({ action: 'deadlines-extended', after: { workingDays: 5, tasks: ['t40'] } });
    expect(rejection(() => applyProgrammeAction(state, ctx, cmd)).code).toBe('ALREADY_APPLIED');
    expect(findTask(state, 't40').dueDate).toBe('2026-04-30');
    expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'extend', workingDays: 5, taskKeys: ['ghost'] }))).code).toBe('TASK_NOT_FOUND');

    // Without taskKeys every task not done moves.
    applyProgrammeAction(state, ctx, action({ kind: 'extend', workingDays: 1 }));
    expect(state.tasks.map((t) => t.dueDate)).toEqual(['2026-03-26', '2026-05-04', '2026-05-29']);
  });

  it('suspending over the Idul Fitri week and resuming shifts deadlines by the working days lost (16, 17 and 25 March)', () => {
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    advanceTo(state, ctx, WITA_NOON('2026-03-16'));
    expect(findTask(state, 't20').rungsDone).toEqual([-5]);
    applyProgrammeAction(state, ctx, action({ kind: 'suspend' }));
    expect(state.suspension).toMatchObject({ since: '2026-03-16' });
    expect(nextTimerEvent(state, ctx)).toBeUndefined(); // the clock stops
    expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'suspend' }))).code).toBe('ALREADY_SUSPENDED');
    expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'remind' }))).code).toBe('SUSPENDED');

    expect(CAL_2026.workingDaysInRange('2026-03-16', '2026-03-26')).toBe(3);
    ctx.now = Date.parse(WITA_NOON('2026-03-26'));
    const effect = applyProgrammeAction(state, ctx, action({ kind: 'resume' }));
    expect(effect.workingDays).toBe(3);
    expect(state.suspension).toBeUndefined();
    expect(state.history.slice(-1)[0]).toMatchObject({ action: 'resumed', before: { since: '2026-03-16' }, after: { workingDaysShifted: 3 } });
    expect(state.tasks.map((t) => [t.key, t.dueDate, t.overdue])).toEqual([
      ['t20', '2026-03-30', false], // 25 + 3: 26, 27, 30
      ['t40', '2026-04-28', false], // 23 + 3: 24, 27, 28
      ['t60', '2026-06-03', false], // 26 + 3: 29 May, 2 and 3 June (27-28 May and 1 June are off)
    ]);
    // No burst for the rungs that passed while suspended; the ladder continues from now.
    const first = drive(state, ctx, '2026-03-27T12:00:00.000Z');
    expect(first.map(describeEvent)).toEqual(['reminder -1 @ 2026-03-27 07:30']);
    expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'resume' }))).code).toBe('NOT_SUSPENDED');
  });

  it('remind returns only the tasks awaiting the unit', () => {
    const tmpl = template([
      task('dikirim', { from: 'programmeStart', workingDays: 10 }, { review: oneReview }),
      task('dikembalikan', { from: 'programmeStart', workingDays: 10 }, { review: oneReview }),
      task('selesai', { from: 'programmeStart', workingDays: 10 }),
      task('terbuka', { from: 'programmeStart', workingDays: 10 }),
      task('menunggu', { from: 'programmeStart', workingDays: 10 }, { dependsOn: ['dikirim'] }),
    ]);
    const { state, ctx } = openCase(tmpl, { startDate: '2026-02-16', now: '2026-02-18T03:00:00.000Z' });
    applySubmit(state, ctx, { taskKey: 'dikirim', by: 'lurah', evidenceIds: [] });
    applySubmit(state, ctx, { taskKey: 'dikembalikan', by: 'lurah', evidenceIds: [] });
    applyReview(state, ctx, { taskKey: 'dikembalikan', by: 'koordinator', decision: 'return', level: 0, comment: 'kurang tanda tangan' });
    applySubmit(state, ctx, { taskKey: 'selesai', by: 'lurah', evidenceIds: [] });
    expect(state.tasks.map((t) => t.state)).toEqual(['SUBMITTED', 'RETURNED', 'APPROVED', 'OPEN', 'BLOCKED']);
    const effect = applyProgrammeAction(state, ctx, action({ kind: 'remind' }));
    expect(effect.remind.map((t) => t.key)).toEqual(['dikembalikan', 'terbuka']);
    expect(state.history.slice(-1)[0]).toMatchObject({ action: 'reminded', after: { tasks: ['dikembalikan', 'terbuka'] } });
  });

  it('a task returned after its deadline restarts its ladder from now: no burst of stale reminders, only the escalation the lateness has reached', () => {
    // t20 is due 2026-03-25; submitted on 10 March, returned on 2 April at noon WITA.
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    advanceTo(state, ctx, '2026-03-10T02:00:00.000Z');
    applySubmit(state, ctx, { taskKey: 't20', by: 'lurah', evidenceIds: [] });
    advanceTo(state, ctx, '2026-04-02T04:00:00.000Z');
    const task = applyReview(state, ctx, { taskKey: 't20', by: 'koordinator', decision: 'return', level: 0, comment: 'kurang tanda tangan' });
    skipPastRungs(state, task, ctx); // what the workflow does on a return (behind its RETURN_LADDER patch)
    const fired = forTask(drive(state, ctx, '2026-04-02T04:00:00.000Z'), 't20');
    // Due now: the deadline (it is overdue) and the one escalation rung the lateness has reached; no ladder rung.
    expect(fired.map(describeEvent)).toEqual(['deadline @ 2026-03-26 00:00', 'escalation 2 PARENT_UNIT_HEAD @ 2026-04-01 07:30']);
    expect(findTask(state, 't20')).toMatchObject({ overdue: true, escalationLevel: 2 });
  });

  it('refuses templates where a task waits on a recurring task (it has no single completion)', () => {
    expect(() =>
      template([task('monitoring', { from: 'programmeStart', workingDays: 5 }, { recurrence: { everyMonths: 6, times: 2 } }), task('laporan', { from: 'taskCompleted', task: 'monitoring', workingDays: 5 })]),
    ).toThrow('tasks[1].due.task must not name a recurring task; "monitoring" recurs');
    expect(() =>
      template([task('monitoring', { from: 'programmeStart', workingDays: 5 }, { recurrence: { everyMonths: 6, times: 2 } }), task('laporan', { from: 'programmeStart', workingDays: 5 }, { dependsOn: ['monitoring'] })]),
    ).toThrow('tasks[1].dependsOn[0] must not name a recurring task; "monitoring" recurs');
  });

  it('cancel and close end the case and stop its clock', () => {
    for (const kind of ['cancel', 'close'] as const) {
      const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
      applyProgrammeAction(state, ctx, action({ kind }, `${kind}-1`));
      expect(state.status).toBe('CANCELLED');
      expect(state.history.slice(-1)[0]).toMatchObject({ action: kind === 'cancel' ? 'cancelled' : 'closed' });
      expect(nextTimerEvent(state, ctx)).toBeUndefined();
      expect(rejection(() => applyProgrammeAction(state, ctx, action({ kind }, `${kind}-1`))).code).toBe('ALREADY_APPLIED');
      expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'cancel' }))).code).toBe('CASE_CLOSED');
      expect(rejection(() => checkSubmit(state, ctx, { taskKey: 't20', by: 'lurah', evidenceIds: [] })).code).toBe('CASE_CLOSED');
      expect(settle(state, ctx)).toEqual([]);
    }
  });

  it('sign-off is refused while tasks are open and accepted once every task is done', () => {
    const tmpl = template([task('a', { from: 'programmeStart', workingDays: 5 }), task('b', { from: 'programmeStart', workingDays: 5 }, { review: oneReview })]);
    const { state, ctx } = openCase(tmpl, { startDate: '2026-02-16', now: '2026-02-18T03:00:00.000Z' });
    const refused = rejection(() => checkSignOff(state, ctx, { by: 'koordinator' }));
    expect(refused.code).toBe('CASE_NOT_COMPLETE');
    expect(refused.reason.en).toBe('the case cannot be signed off yet: 2 task(s) are not approved or waived');
    applySubmit(state, ctx, { taskKey: 'a', by: 'lurah', evidenceIds: [] });
    applySubmit(state, ctx, { taskKey: 'b', by: 'lurah', evidenceIds: [] });
    expect(rejection(() => checkSignOff(state, ctx, { by: 'koordinator' })).reason.en).toContain('1 task(s)');
    applyReview(state, ctx, { taskKey: 'b', by: 'koordinator', decision: 'approve', level: 0 });
    state.status = 'COMPLETED'; // the workflow's own step once allTasksDone(state)
    applySignOff(state, ctx, { by: 'koordinator', comment: 'lengkap' });
    expect(state).toMatchObject({ status: 'SIGNED_OFF', signedOff: { by: 'koordinator', comment: 'lengkap' } });
    expect(rejection(() => checkSignOff(state, ctx, { by: 'koordinator' })).code).toBe('CASE_CLOSED');
  });

  describe('migrating to a newer template version', () => {
    const v1 = template([
      task('kept', { from: 'programmeStart', workingDays: 10 }, { review: oneReview }),
      task('dropped-open', { from: 'programmeStart', workingDays: 10 }),
      task('dropped-done', { from: 'programmeStart', workingDays: 10 }),
    ]);
    const v2 = parseTemplate({
      key: 'uji-mesin',
      version: 2,
      name: { id: 'Uji mesin' },
      tasks: [
        task('kept', { from: 'programmeStart', workingDays: 10 }, { title: { id: 'Judul baru' }, weight: 3, review: oneReview }),
        task('added', { from: 'programmeStart', workingDays: 30 }),
      ],
    });

    it('keeps kept tasks, adds new ones, waives dropped open ones with history and bumps the version', () => {
      const { state, ctx } = openCase(v1, { startDate: '2026-02-16', now: '2026-02-18T03:00:00.000Z' });
      applySubmit(state, ctx, { taskKey: 'kept', by: 'lurah', evidenceIds: ['ev-1'] });
      applySubmit(state, ctx, { taskKey: 'dropped-done', by: 'lurah', evidenceIds: [] });
      const keptBefore = structuredClone(findTask(state, 'kept'));
      ctx.now = Date.parse('2026-02-20T03:00:00.000Z');
      const effect = applyProgrammeAction(state, ctx, action({ kind: 'migrate', template: v2 }, 'migrate-v2'));
      expect(effect.template).toBe(v2);
      expect(state.templateVersion).toBe(2);
      expect(state.tasks.map((t) => [t.key, t.state, t.dueDate])).toEqual([
        ['kept', 'SUBMITTED', '2026-03-04'],
        ['added', 'OPEN', '2026-04-09'], // 30 working days from 18 February, past 18-24 March and Good Friday
        ['dropped-open', 'WAIVED', '2026-03-04'],
        ['dropped-done', 'APPROVED', '2026-03-04'],
      ]);
      expect(findTask(state, 'kept')).toMatchObject({
        title: 'Judul baru',
        weight: 3,
        evidenceIds: ['ev-1'],
        submittedAt: keptBefore.submittedAt,
        history: keptBefore.history,
      });
      expect(findTask(state, 'dropped-open')).toMatchObject({ completedOn: '2026-02-20' });
      expect(findTask(state, 'dropped-open').history).toEqual([
        expect.objectContaining({ action: 'waived', comment: 'keputusan rapat koordinasi', before: { state: 'OPEN' } }),
      ]);
      expect(findTask(state, 'dropped-done').history.map((h) => h.action)).toEqual(['submitted']);
      expect(state.history.slice(-1)[0]).toMatchObject({
        action: 'template-migrated',
        before: { version: 1, tasks: ['kept', 'dropped-open', 'dropped-done'] },
        after: { version: 2, tasks: ['kept', 'added', 'dropped-open', 'dropped-done'] },
      });
    });

    it('refuses an older or the same version, or another template', () => {
      const { state, ctx } = openCase(v1, { startDate: '2026-02-16', now: '2026-02-18T03:00:00.000Z' });
      expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'migrate', template: v1 }))).code).toBe('TEMPLATE_NOT_NEWER');
      applyProgrammeAction(state, ctx, action({ kind: 'migrate', template: v2 }));
      expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'migrate', template: v2 }))).code).toBe('TEMPLATE_NOT_NEWER');
      expect(rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'migrate', template: v1 }))).code).toBe('TEMPLATE_NOT_NEWER');
      const other = parseTemplate({ ...v2, key: 'templat-lain', version: 3 });
      const mismatch = rejection(() => checkProgrammeAction(state, ctx, action({ kind: 'migrate', template: other })));
      expect(mismatch.code).toBe('TEMPLATE_MISMATCH');
      expect(mismatch.reason.en).toBe('template "templat-lain" is not this case\'s template ("uji-mesin")');
      expect(state.templateVersion).toBe(2);
    });
  });
});

describe('escalation', () => {
  it('climbs the chain in ascending order for open overdue tasks only, and stops when the task is submitted', () => {
    const { state, ctx } = openCase(programme90, { startDate: '2026-02-16', now: '2026-02-16T00:00:00.000Z' });
    const escalations: string[] = [];
    const check = (e: TimerEvent) => {
      if (e.kind !== 'escalation') return;
      const t = findTask(state, e.taskKey);
      expect([t.key, t.overdue, ['OPEN', 'RETURNED'].includes(t.state), e.level]).toEqual([e.taskKey, true, true, t.escalationLevel + 1]);
      escalations.push(`${e.taskKey} ${e.level} ${e.target} @ ${local(e.at, state.timeZone)}`);
    };
    const submitAt = (instant: string, taskKey: string) => {
      drive(state, ctx, instant, check);
      ctx.now = Date.parse(instant);
      applySubmit(state, ctx, { taskKey, by: 'lurah', evidenceIds: ['ev'] });
      expect(findTask(state, taskKey).state).toBe('SUBMITTED');
    };
    // t20 is submitted on 31 March, after its first rung (27 March) and before its second (1 April).
    submitAt('2026-03-31T04:00:00.000Z', 't20');
    // t40 is submitted on 20 April, before it is due: never overdue, never escalated.
    submitAt('2026-04-20T04:00:00.000Z', 't40');
    // t60 is never submitted: it climbs the whole chain.
    const rest = drive(state, ctx, '2026-06-30T23:59:59.999Z', check);
    expect(forTask(rest, 't20')).toEqual([]); // submitted: no more reminders, deadline or escalation
    expect(forTask(rest, 't40')).toEqual([]);
    expect(escalations).toEqual([
      't20 1 UNIT_HEAD @ 2026-03-27 07:30',
      't60 1 UNIT_HEAD @ 2026-06-02 07:30',
      't60 2 PARENT_UNIT_HEAD @ 2026-06-05 07:30',
      't60 3 COORDINATOR @ 2026-06-12 07:30',
    ]);
    expect(state.tasks.map((t) => [t.key, t.overdue, t.escalationLevel])).toEqual([
      ['t20', true, 1],
      ['t40', false, 0],
      ['t60', true, 3],
    ]);
    expect(nextTimerEvent(state, ctx)).toBeUndefined();
  });
});

describe('designations and their revocation', () => {
  // Three tasks ordered by phase only (no dependsOn): a revocation must still reopen them one after the other.
  const phased = template(
    [
      task('verifikasi', { from: 'phaseStart', workingDays: 5 }, { phase: 'verifikasi' }),
      task('penilaian', { from: 'phaseStart', workingDays: 5 }, { phase: 'penilaian' }),
      task('penetapan', { from: 'phaseStart', workingDays: 5 }, { phase: 'penetapan' }),
      task('monitoring', { from: 'phaseStart', workingDays: 5 }, { phase: 'monitoring', dependsOn: ['penetapan'] }),
    ],
    {
      phases: ['verifikasi', 'penilaian', 'penetapan', 'monitoring'].map((key) => ({ key, name: { id: key } })),
      revocation: { designationTask: 'penetapan', name: { id: 'Kelurahan Bebas Maladministrasi' }, reopens: ['verifikasi', 'penilaian', 'penetapan'], notify: ['UNIT_HEAD'] },
    },
  );
  const approve = (state: CaseState, ctx: CaseContext, key: string) => {
    applySubmit(state, ctx, { taskKey: key, by: 'lurah@x.go.id', evidenceIds: [] });
    settle(state, ctx);
  };
  const designated = () => {
    const { state, ctx } = openCase(phased, { startDate: '2026-03-02', now: '2026-03-02T01:00:00Z' });
    for (const key of ['verifikasi', 'penilaian', 'penetapan']) approve(state, ctx, key);
    expect(findTask(state, 'monitoring').state).toBe('OPEN');
    return { state, ctx };
  };

  it('refuses to revoke what the unit does not hold, and needs a reason', () => {
    const { state, ctx } = openCase(phased, { startDate: '2026-03-02', now: '2026-03-02T01:00:00Z' });
    expect(() => checkRevokeDesignation(state, ctx, { by: 'k@x.go.id', reason: 'laporan terbukti' })).toThrow(expect.objectContaining({ code: 'NOT_DESIGNATED' }));
    const d = designated();
    expect(() => checkRevokeDesignation(d.state, d.ctx, { by: 'k@x.go.id', reason: '  ' })).toThrow(expect.objectContaining({ code: 'REASON_REQUIRED' }));
    expect(designationOf(d.state, phased)).toMatchObject({ status: 'granted', grantedOn: '2026-03-02' });
  });

  it('reopens the listed tasks one after another even when only phases order them, counting from the next working day', () => {
    const { state, ctx } = designated();
    // Saturday 7 March 2026, 10:00 WITA: deadlines count from Monday 9 March.
    const saturday = { ...ctx, now: Date.parse('2026-03-07T02:00:00Z') };
    const effect = applyRevokeDesignation(state, saturday, { by: 'k@x.go.id', reason: 'Laporan pungli terbukti', reference: 'LAHP-1' });
    expect(effect.reopened.map((t) => t.key)).toEqual(['verifikasi', 'penilaian', 'penetapan']);
    expect(effect.blockedAgain.map((t) => t.key)).toEqual(['monitoring']);
    expect(state.tasks.map((t) => [t.key, t.state, t.dueDate])).toEqual([
      ['verifikasi', 'OPEN', CAL_2026.addWorkingDays('2026-03-09', 5)],
      ['penilaian', 'BLOCKED', null],
      ['penetapan', 'BLOCKED', null],
      ['monitoring', 'BLOCKED', expect.any(String)],
    ]);
    expect(designationOf(state, phased)).toMatchObject({ status: 'revoked', grantedOn: null, revocations: [{ on: '2026-03-07', reason: 'Laporan pungli terbukti', reference: 'LAHP-1', reopened: ['verifikasi', 'penilaian', 'penetapan'] }] });
    // Earlier approvals stay in the history, followed by the reopening.
    expect(findTask(state, 'penetapan').history.map((h) => h.action)).toEqual(['submitted', 'reopened']);

    // Done again in order: each opens when the one before is done, its deadline counted from that day.
    const tuesday = { ...ctx, now: Date.parse('2026-03-10T01:00:00Z') };
    approve(state, tuesday, 'verifikasi');
    expect(findTask(state, 'penilaian')).toMatchObject({ state: 'OPEN', dueDate: CAL_2026.addWorkingDays('2026-03-10', 5) });
    expect(findTask(state, 'penetapan').state).toBe('BLOCKED');
    approve(state, tuesday, 'penilaian');
    approve(state, tuesday, 'penetapan');
    expect(findTask(state, 'monitoring').state).toBe('OPEN');
    expect(designationOf(state, phased)?.status).toBe('granted');
  });
});

describe('follow-ups added to a case', () => {
  const withFollowUps = template([task('dokumen', { from: 'programmeStart', workingDays: 10 })], {
    followUps: { name: { id: 'Tindak lanjut rapor' }, review: oneReview, maxPerCase: 2 },
  });

  it('adds open tasks with their owner and deadline (from the next working day), keeps them through a migration, and caps them', () => {
    const { state, ctx } = openCase(withFollowUps, { startDate: '2026-03-02', now: '2026-03-07T02:00:00Z' });
    const added = applyAddFollowUps(state, ctx, {
      by: 'k@x.go.id',
      source: 'Rapor Ombudsman 2025',
      items: [{ title: 'Lengkapi biaya/tarif', owner: { email: 'staf@x.go.id', name: 'Staf', locale: 'id' } }, { title: 'Pasang papan informasi', workingDays: 3 }],
    });
    expect(added.map((t) => [t.key, t.state, t.dueDate, t.assignee?.email, t.reviewLevels])).toEqual([
      ['follow-up-1', 'OPEN', CAL_2026.addWorkingDays('2026-03-09', 20), 'staf@x.go.id', 1],
      ['follow-up-2', 'OPEN', CAL_2026.addWorkingDays('2026-03-09', 3), undefined, 1],
    ]);
    expect(() => checkAddFollowUps(state, ctx, { by: 'k@x.go.id', source: 'x', items: [{ title: 'satu lagi' }] })).toThrow(expect.objectContaining({ code: 'TOO_MANY_FOLLOW_UPS' }));
    expect(() => checkAddFollowUps(state, ctx, { by: 'k@x.go.id', source: 'x', items: [] })).toThrow(expect.objectContaining({ code: 'ITEMS_REQUIRED' }));
    // A newer template version keeps the follow-ups as they are (they are the case's own).
    applyProgrammeAction(state, ctx, { actionId: 'm1', by: 'k@x.go.id', reason: 'versi baru', kind: 'migrate', template: { ...withFollowUps, version: 2 } });
    expect(state.tasks.filter((t) => t.key.startsWith('follow-up-')).map((t) => t.state)).toEqual(['OPEN', 'OPEN']);
  });

  it('refuses follow-ups for a template that takes none, and a past due date', () => {
    const { state, ctx } = openCase(programme90, { startDate: '2026-03-02', now: '2026-03-02T01:00:00Z' });
    expect(() => checkAddFollowUps(state, ctx, { by: 'k', source: 's', items: [{ title: 't' }] })).toThrow(expect.objectContaining({ code: 'FOLLOW_UPS_NOT_ALLOWED' }));
    const f = openCase(withFollowUps, { startDate: '2026-03-02', now: '2026-03-10T01:00:00Z' });
    expect(() => checkAddFollowUps(f.state, f.ctx, { by: 'k', source: 's', items: [{ title: 't', dueDate: '2026-03-09' }] })).toThrow(expect.objectContaining({ code: 'DUE_DATE_PASSED' }));
  });
});
