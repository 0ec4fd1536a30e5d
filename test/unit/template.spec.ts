import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { rungOffset, taskDependencies } from '@kawal/domain';
import { TemplateValidationError, instrumentForTemplate, parseTemplate } from '@kawal/templates';

const slice = () => YAML.parse(readFileSync(path.join(__dirname, '..', '..', 'templates', 'kawal-slice.v1.yaml'), 'utf8'));

function issues(doc: unknown) {
  try {
    parseTemplate(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateValidationError);
    return (err as TemplateValidationError).issues;
  }
  throw new Error('expected the template to be rejected');
}

describe('template language', () => {
  it('accepts the built-in slice template: two tasks and a reminder', () => {
    const t = parseTemplate(slice());
    expect(t.tasks.map((x) => x.key)).toEqual(['standar-pelayanan', 'maklumat-pelayanan']);
    expect(t.reminders).toEqual([{ workingDaysBefore: 2 }]);
    expect(t.officeHour).toBe('07:30');
  });

  it('names the path and the rule of every offending field', () => {
    const doc = slice();
    doc.tasks[1].due.workingDays = 0;
    doc.tasks[0].assigneeRole = 'CAMAT';
    expect(issues(doc)).toEqual([
      { path: 'tasks[0].assigneeRole', rule: 'must be one of UNIT_HEAD, UNIT_STAFF' },
      { path: 'tasks[1].due.workingDays', rule: 'must be at least 1' },
    ]);
  });

  // Cross-field rules run once every field is well-formed (zod skips refinements over invalid input).
  it('refuses duplicate task keys and reminder rungs', () => {
    const doc = slice();
    doc.tasks[1].key = doc.tasks[0].key;
    doc.reminders.push({ workingDaysBefore: 2 });
    expect(issues(doc)).toEqual([
      { path: 'tasks[1].key', rule: 'must be unique; "standar-pelayanan" appears twice' },
      { path: 'reminders[1].workingDaysBefore', rule: 'must be unique' },
    ]);
  });

  it('refuses unknown fields and a missing task list', () => {
    const doc = slice();
    doc.tasks[0].deadline = 3;
    expect(issues(doc)).toEqual([{ path: 'tasks[0]', rule: 'has unknown field(s): deadline' }]);
    const { tasks: _tasks, ...noTasks } = slice();
    expect(issues(noTasks)[0].path).toBe('tasks');
  });

  describe('cross-field rules, each named by path and rule', () => {
    const phased = () => {
      const doc = slice();
      doc.phases = [
        { key: 'persiapan', name: { id: 'Persiapan' } },
        { key: 'pelaksanaan', name: { id: 'Pelaksanaan' }, start: { from: 'phaseCompleted', phase: 'persiapan' } },
      ];
      return doc;
    };

    it('refuses a task in an unknown phase', () => {
      const doc = phased();
      doc.tasks[0].phase = 'penutupan';
      expect(issues(doc)).toEqual([{ path: 'tasks[0].phase', rule: 'must name a phase of this template; "penutupan" is not one' }]);
      const noPhases = slice();
      noPhases.tasks[1].phase = 'persiapan';
      expect(issues(noPhases)).toEqual([{ path: 'tasks[1].phase', rule: 'must name a phase of this template; "persiapan" is not one' }]);
    });

    it('refuses a phaseStart due rule on a task without a phase', () => {
      const doc = phased();
      doc.tasks[1].due = { from: 'phaseStart', workingDays: 5 };
      expect(issues(doc)).toEqual([{ path: 'tasks[1].due.from', rule: 'phaseStart needs the task to belong to a phase' }]);
      doc.tasks[1].phase = 'pelaksanaan';
      expect(parseTemplate(doc).tasks[1].due).toEqual({ from: 'phaseStart', workingDays: 5 });
    });

    it('refuses dependsOn naming a missing task or the task itself', () => {
      const doc = slice();
      doc.tasks[1].dependsOn = ['sk-tim'];
      expect(issues(doc)).toEqual([{ path: 'tasks[1].dependsOn[0]', rule: 'must name a task of this template; "sk-tim" is not one' }]);
      const self = slice();
      self.tasks[0].dependsOn = ['maklumat-pelayanan', 'standar-pelayanan'];
      // A task depending on itself is also the smallest cycle; both rules say so.
      expect(issues(self)).toEqual([
        { path: 'tasks[0].dependsOn[1]', rule: 'must not name the task itself' },
        { path: 'tasks[0].dependsOn', rule: 'must not form a cycle: standar-pelayanan -> standar-pelayanan' },
      ]);
    });

    it('refuses a dependency cycle, explicit or implied by a taskCompleted due rule', () => {
      const explicit = slice();
      explicit.tasks[0].dependsOn = ['maklumat-pelayanan'];
      explicit.tasks[1].dependsOn = ['standar-pelayanan'];
      expect(issues(explicit)).toEqual([
        { path: 'tasks[0].dependsOn', rule: 'must not form a cycle: standar-pelayanan -> maklumat-pelayanan -> standar-pelayanan' },
      ]);

      const implied = slice();
      implied.tasks[0].dependsOn = ['maklumat-pelayanan'];
      implied.tasks[1].due = { from: 'taskCompleted', task: 'standar-pelayanan', workingDays: 5 };
      expect(issues(implied)).toEqual([
        { path: 'tasks[0].dependsOn', rule: 'must not form a cycle: standar-pelayanan -> maklumat-pelayanan -> standar-pelayanan' },
      ]);

      // A longer cycle through a third task is found too; the same edges without the closing one are fine.
      const longer = slice();
      longer.tasks.push({ ...longer.tasks[1], key: 'laporan', dependsOn: ['maklumat-pelayanan'] });
      longer.tasks[1].due = { from: 'taskCompleted', task: 'standar-pelayanan', workingDays: 5 };
      expect(parseTemplate(longer).tasks.map((t) => taskDependencies(t))).toEqual([[], ['standar-pelayanan'], ['maklumat-pelayanan']]);
      longer.tasks[0].dependsOn = ['laporan'];
      expect(issues(longer)).toEqual([
        { path: 'tasks[0].dependsOn', rule: 'must not form a cycle: standar-pelayanan -> laporan -> maklumat-pelayanan -> standar-pelayanan' },
      ]);
    });

    it('refuses a taskCompleted due rule naming a missing task or the task itself', () => {
      const doc = slice();
      doc.tasks[1].due = { from: 'taskCompleted', task: 'sk-tim', workingDays: 5 };
      expect(issues(doc)).toEqual([{ path: 'tasks[1].due.task', rule: 'must name a task of this template; "sk-tim" is not one' }]);
      doc.tasks[1].due.task = 'maklumat-pelayanan';
      expect(issues(doc)).toEqual([
        { path: 'tasks[1].due.task', rule: 'must not name the task itself' },
        { path: 'tasks[1].dependsOn', rule: 'must not form a cycle: maklumat-pelayanan -> maklumat-pelayanan' },
      ]);
    });

    it('refuses recurrence on a task with a fixed-date due rule', () => {
      const doc = slice();
      doc.tasks[1].due = { date: '2026-06-30' };
      doc.tasks[1].recurrence = { everyMonths: 6, times: 2 };
      expect(issues(doc)).toEqual([{ path: 'tasks[1].recurrence', rule: 'needs a relative due rule, not a fixed date' }]);
    });

    it('refuses duplicate checklist keys', () => {
      const doc = slice();
      doc.tasks[0].checklist = [
        { key: 'ttd', text: { id: 'Ditandatangani' } },
        { key: 'stempel', text: { id: 'Distempel' } },
        { key: 'ttd', text: { id: 'Ditandatangani lagi' } },
      ];
      expect(issues(doc)).toEqual([{ path: 'tasks[0].checklist[2].key', rule: 'must be unique; "ttd" appears twice' }]);
    });

    it('refuses escalation rungs that do not ascend', () => {
      const doc = slice();
      doc.escalation = [
        { afterWorkingDays: 3, to: 'UNIT_HEAD' },
        { afterWorkingDays: 3, to: 'PARENT_UNIT_HEAD' },
        { afterWorkingDays: 2, to: 'COORDINATOR' },
      ];
      expect(issues(doc)).toEqual([
        { path: 'escalation[1].afterWorkingDays', rule: 'must be later than the rung before' },
        { path: 'escalation[2].afterWorkingDays', rule: 'must be later than the rung before' },
      ]);
      doc.escalation[2].to = 'CAMAT';
      expect(issues(doc)).toEqual([{ path: 'escalation[2].to', rule: 'must be one of UNIT_HEAD, PARENT_UNIT_HEAD, COORDINATOR' }]);
    });

    it('refuses a reminder rung listed twice, telling "before" and "after" apart', () => {
      const doc = slice();
      doc.reminders = [{ workingDaysBefore: 2 }, { workingDaysAfter: 2 }, { workingDaysBefore: 0 }, { workingDaysAfter: 2 }, { workingDaysBefore: 0 }];
      expect(issues(doc)).toEqual([
        { path: 'reminders[3].workingDaysAfter', rule: 'must be unique' },
        { path: 'reminders[4].workingDaysBefore', rule: 'must be unique' },
      ]);
      // 2 before and 2 after are different rungs.
      doc.reminders = [{ workingDaysBefore: 2 }, { workingDaysAfter: 2 }];
      expect(parseTemplate(doc).reminders.map(rungOffset)).toEqual([-2, 2]);
      // "On the day" is 0 working days before; 0 after would be the same rung and is out of range.
      doc.reminders = [{ workingDaysBefore: 0 }, { workingDaysAfter: 0 }];
      expect(issues(doc)).toEqual([{ path: 'reminders[1].workingDaysAfter', rule: 'must be at least 1' }]);
    });

    it('refuses a date that is not on the calendar', () => {
      const doc = slice();
      doc.tasks[0].due = { date: '2026-02-30' };
      expect(issues(doc)).toEqual([{ path: 'tasks[0].due.date', rule: 'must be a calendar date YYYY-MM-DD' }]);
      doc.tasks[0].due = { date: '2028-02-29' }; // a leap day
      expect(parseTemplate(doc).tasks[0].due).toEqual({ date: '2028-02-29' });
      const phase = slice();
      phase.phases = [{ key: 'persiapan', name: { id: 'Persiapan' }, start: { date: '2026-02-30' } }];
      expect(issues(phase)).toEqual([{ path: 'phases[0].start.date', rule: 'must be a calendar date YYYY-MM-DD' }]);
    });

    it('refuses a phase start referring to a later phase, itself or an unknown phase', () => {
      const doc = phased();
      doc.phases[0].start = { from: 'phaseCompleted', phase: 'pelaksanaan' };
      expect(issues(doc)).toEqual([{ path: 'phases[0].start.phase', rule: 'must name an earlier phase' }]);
      doc.phases[0].start = { from: 'programmeStart' };
      doc.phases[1].start = { from: 'phaseCompleted', phase: 'pelaksanaan' };
      expect(issues(doc)).toEqual([{ path: 'phases[1].start.phase', rule: 'must name an earlier phase' }]);
      doc.phases[1].start = { from: 'phaseCompleted', phase: 'evaluasi' };
      expect(issues(doc)).toEqual([{ path: 'phases[1].start.phase', rule: 'must name a phase of this template; "evaluasi" is not one' }]);
    });
  });

  it('accepts a full template with every feature and applies the defaults', () => {
    const review = {
      levels: [
        { role: 'REVIEWER', name: { id: 'Camat', en: 'Sub-district head' } },
        { role: 'COORDINATOR', name: { id: 'Bagian Organisasi', en: 'Organisation Bureau' } },
      ],
    };
    const t = parseTemplate({
      key: 'reformasi-pelayanan',
      version: 3,
      name: { id: 'Reformasi Pelayanan Publik', en: 'Public Service Reform' },
      phases: [
        { key: 'persiapan', name: { id: 'Persiapan' } },
        { key: 'pelaksanaan', name: { id: 'Pelaksanaan' }, start: { from: 'phaseCompleted', phase: 'persiapan', workingDays: 2 } },
        { key: 'evaluasi', name: { id: 'Evaluasi' }, start: { date: '2026-11-02' } },
        { key: 'penutupan', name: { id: 'Penutupan' }, start: { from: 'programmeStart' } },
      ],
      tasks: [
        {
          key: 'sk-tim',
          title: { id: 'SK Tim', en: 'Team decree' },
          phase: 'persiapan',
          assigneeRole: 'UNIT_HEAD',
          due: { from: 'programmeStart', workingDays: 10 },
          evidence: { minItems: 1, kinds: ['document'] },
          checklist: [
            { key: 'ttd', text: { id: 'Ditandatangani lurah' } },
            { key: 'foto', text: { id: 'Ada foto rapat' }, required: false },
          ],
          review,
          weight: 2,
        },
        {
          key: 'rencana',
          title: { id: 'Rencana aksi' },
          phase: 'pelaksanaan',
          assigneeRole: 'UNIT_STAFF',
          due: { from: 'phaseStart', workingDays: 15 },
          dependsOn: ['sk-tim'],
        },
        {
          key: 'monitoring',
          title: { id: 'Monitoring' },
          phase: 'pelaksanaan',
          assigneeRole: 'UNIT_STAFF',
          due: { from: 'taskCompleted', task: 'rencana', workingDays: 5 },
          recurrence: { everyMonths: 3, times: 2 },
          evidence: { minItems: 2, kinds: ['photo', 'note'] },
        },
        { key: 'laporan-akhir', title: { id: 'Laporan akhir' }, phase: 'evaluasi', assigneeRole: 'UNIT_HEAD', due: { date: '2026-12-24' }, review, weight: 0.5 },
      ],
      reminders: [
        { workingDaysBefore: 5 },
        { workingDaysBefore: 1 },
        { workingDaysBefore: 0 },
        { workingDaysAfter: 1 },
        { workingDaysAfter: 3 },
      ],
      escalation: [
        { afterWorkingDays: 2, to: 'UNIT_HEAD' },
        { afterWorkingDays: 5, to: 'PARENT_UNIT_HEAD' },
        { afterWorkingDays: 10, to: 'COORDINATOR' },
      ],
      signOff: { required: true },
      scoring: { instrument: 'kawal-checklist', version: 1 },
    });

    // Defaults: office hour, phase start offsets, evidence, required checklist items.
    expect(t.officeHour).toBe('07:30');
    expect(t.phases!.map((p) => p.start)).toEqual([
      undefined,
      { from: 'phaseCompleted', phase: 'persiapan', workingDays: 2 },
      { date: '2026-11-02' },
      { from: 'programmeStart', workingDays: 0 },
    ]);
    expect(t.tasks[0].checklist).toEqual([
      { key: 'ttd', text: { id: 'Ditandatangani lurah' }, required: true },
      { key: 'foto', text: { id: 'Ada foto rapat' }, required: false },
    ]);
    expect(t.tasks[1].evidence).toEqual({ minItems: 0, kinds: ['document'] });
    expect(t.tasks[2].evidence).toEqual({ minItems: 2, kinds: ['photo', 'note'] });
    expect(t.tasks.map((x) => x.due)).toEqual([
      { from: 'programmeStart', workingDays: 10 },
      { from: 'phaseStart', workingDays: 15 },
      { from: 'taskCompleted', task: 'rencana', workingDays: 5 },
      { date: '2026-12-24' },
    ]);
    expect(t.tasks.map((x) => x.weight)).toEqual([2, undefined, undefined, 0.5]);
    expect(t.tasks[0].review!.levels.map((l) => l.role)).toEqual(['REVIEWER', 'COORDINATOR']);
    expect(t.tasks[2].recurrence).toEqual({ everyMonths: 3, times: 2 });
    expect(t.tasks.map((x) => taskDependencies(x))).toEqual([[], ['sk-tim'], ['rencana'], []]);
    // The ladder as signed working-day offsets from the due date; "on the day" is 0 (not -0).
    expect(t.reminders.map(rungOffset)).toEqual([-5, -1, 0, 1, 3]);
    expect(rungOffset({ workingDaysBefore: 0 })).toBe(0);
    expect(t.escalation!.map((r) => r.to)).toEqual(['UNIT_HEAD', 'PARENT_UNIT_HEAD', 'COORDINATOR']);
    expect(t.signOff).toEqual({ required: true });
    expect(t.scoring).toEqual({ instrument: 'kawal-checklist', version: 1 });

    // Optional parts stay absent when left out.
    const bare = parseTemplate(slice());
    expect([bare.phases, bare.escalation, bare.signOff, bare.scoring]).toEqual([undefined, undefined, undefined, undefined]);
    expect(bare.tasks[0].checklist).toBeUndefined();
  });

  describe('scoring, designation, follow-ups and cycles', () => {
    it('checks the template against the scoring instrument it names (kept as data in instruments/)', () => {
      const unknown = { ...slice(), scoring: { instrument: 'tidak-ada' } };
      expect(issues(unknown)).toEqual([{ path: 'scoring.instrument', rule: expect.stringMatching(/^must name a known scoring instrument \(.*ombudsman-kepatuhan@2/) }]);
      const wrongVersion = { ...slice(), scoring: { instrument: 'ombudsman-kepatuhan', version: 9 } };
      expect(issues(wrongVersion)[0].path).toBe('scoring.version');

      // Ombudsman 2022-2024 has four dimensions; each needs a weighted task, and tasks may only name those four.
      const doc = slice();
      doc.scoring = { instrument: 'ombudsman-kepatuhan', version: 2 };
      doc.tasks[0].component = 'input';
      doc.tasks[1].component = 'kecepatan';
      expect(issues(doc)).toEqual([
        { path: 'tasks[1].component', rule: 'must be a component of ombudsman-kepatuhan@2 (input, proses, output, pengaduan)' },
        { path: 'tasks', rule: 'must give component "proses" of ombudsman-kepatuhan@2 at least one weighted task' },
        { path: 'tasks', rule: 'must give component "output" of ombudsman-kepatuhan@2 at least one weighted task' },
        { path: 'tasks', rule: 'must give component "pengaduan" of ombudsman-kepatuhan@2 at least one weighted task' },
      ]);

      // An instrument without components scores the case as a whole; a component there is a mistake.
      const whole = slice();
      whole.scoring = { instrument: 'kawal-checklist' };
      whole.tasks[0].component = 'input';
      expect(issues(whole)).toEqual([{ path: 'tasks[0].component', rule: 'must be absent: kawal-checklist@1 scores the case as a whole' }]);
      // And without any instrument, a component has nothing to count toward.
      const none = slice();
      none.tasks[0].component = 'input';
      expect(issues(none)).toEqual([{ path: 'tasks[0].component', rule: 'needs a scoring instrument (scoring.instrument) to count toward' }]);
    });

    it('picks the instrument version of the programme year unless the template pins one, and none for an unknown instrument', () => {
      const t = parseTemplate({ ...slice(), scoring: { instrument: 'kawal-checklist' } });
      expect(instrumentForTemplate({ scoring: { instrument: 'ombudsman-kepatuhan' } }, 2021)).toMatchObject({ key: 'ombudsman-kepatuhan', version: 1 });
      expect(instrumentForTemplate({ scoring: { instrument: 'ombudsman-kepatuhan' } }, 2023)).toMatchObject({ version: 2 });
      expect(instrumentForTemplate({ scoring: { instrument: 'ombudsman-kepatuhan', version: 1 } }, 2023)).toMatchObject({ version: 1 });
      expect(instrumentForTemplate(t, 2027)).toMatchObject({ key: 'kawal-checklist' });
      // Published before instruments were data: the read model and the case page show no score instead of failing.
      expect(instrumentForTemplate({ scoring: { instrument: 'ipp-kemenpanrb', version: 2 } }, 2023)).toBeNull();
      expect(instrumentForTemplate({}, 2023)).toBeNull();
    });

    it('checks a revocation names real, non-recurring tasks and includes the designation task', () => {
      const doc = slice();
      doc.tasks.push({ key: 'monitoring', title: { id: 'Monitoring' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 5 }, recurrence: { everyMonths: 6, times: 2 } });
      doc.revocation = { designationTask: 'maklumat-pelayanan', name: { id: 'Kelurahan Bebas Maladministrasi' }, reopens: ['standar-pelayanan', 'monitoring', 'penilaian'], notify: ['UNIT_HEAD'] };
      expect(issues(doc)).toEqual([
        { path: 'revocation.reopens[1]', rule: 'must not name a recurring task; "monitoring" recurs' },
        { path: 'revocation.reopens[2]', rule: 'must name a task of this template; "penilaian" is not one' },
        { path: 'revocation.reopens', rule: 'must include the designation task "maklumat-pelayanan"' },
      ]);
      const bad = slice();
      bad.revocation = { designationTask: 'standar-pelayanan', name: { id: 'X' }, reopens: ['standar-pelayanan'], notify: ['CAMAT'] };
      expect(issues(bad)).toEqual([{ path: 'revocation.notify[0]', rule: 'must be one of UNIT_HEAD, PARENT_UNIT_HEAD, COORDINATOR' }]);
    });

    it('applies the follow-up defaults and keeps "follow-up-N" free for the follow-ups added to a case', () => {
      const doc = slice();
      doc.followUps = { name: { id: 'Tindak lanjut rapor Ombudsman' } };
      doc.cycle = { everyMonths: 12 };
      const t = parseTemplate(doc);
      expect(t.followUps).toEqual({ name: { id: 'Tindak lanjut rapor Ombudsman' }, evidence: { minItems: 1, kinds: ['document'] }, defaultWorkingDays: 20, weight: 1, maxPerCase: 50 });
      expect(t.cycle).toEqual({ everyMonths: 12 });
      doc.tasks[0].key = 'follow-up-1';
      expect(issues(doc)).toEqual([{ path: 'tasks[0].key', rule: 'must not look like "follow-up-N", which names the follow-ups added to a case' }]);
      expect(issues({ ...slice(), cycle: { everyMonths: 0 } })).toEqual([{ path: 'cycle.everyMonths', rule: 'must be at least 1' }]);
    });
  });
});
