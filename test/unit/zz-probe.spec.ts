import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { TemplateValidationError, parseTemplate } from '@kawal/domain';
const slice = () => YAML.parse(readFileSync(path.join(__dirname, '..', '..', 'templates', 'kawal-slice.v1.yaml'), 'utf8'));
function issues(doc: unknown) { try { parseTemplate(doc); return 'OK'; } catch (e) { return (e as TemplateValidationError).issues; } }
it('probe', () => {
  const out: Record<string, unknown> = {};
  let d = slice(); d.tasks[0].phase = 'nope'; out.unknownPhase = issues(d);
  d = slice(); d.tasks[0].due = { from: 'phaseStart', workingDays: 3 }; out.phaseStartNoPhase = issues(d);
  d = slice(); d.tasks[0].dependsOn = ['ghost', 'standar-pelayanan']; out.deps = issues(d);
  d = slice(); d.tasks[0].dependsOn = ['maklumat-pelayanan']; d.tasks[1].dependsOn = ['standar-pelayanan']; out.cycle = issues(d);
  d = slice(); d.tasks[0].dependsOn = ['maklumat-pelayanan']; d.tasks[1].due = { from: 'taskCompleted', task: 'standar-pelayanan', workingDays: 3 }; out.cycleImplied = issues(d);
  d = slice(); d.tasks[1].due = { from: 'taskCompleted', task: 'ghost', workingDays: 3 }; out.tcMissing = issues(d);
  d = slice(); d.tasks[1].due = { from: 'taskCompleted', task: 'maklumat-pelayanan', workingDays: 3 }; out.tcSelf = issues(d);
  d = slice(); d.tasks[1].due = { date: '2026-06-01' }; d.tasks[1].recurrence = { everyMonths: 6, times: 2 }; out.recFixed = issues(d);
  d = slice(); d.tasks[0].checklist = [{ key: 'a', text: { id: 'A' } }, { key: 'a', text: { id: 'B' } }]; out.checklist = issues(d);
  d = slice(); d.escalation = [{ afterWorkingDays: 3, to: 'UNIT_HEAD' }, { afterWorkingDays: 3, to: 'COORDINATOR' }, { afterWorkingDays: 2, to: 'COORDINATOR' }]; out.esc = issues(d);
  d = slice(); d.reminders = [{ workingDaysBefore: 2 }, { workingDaysAfter: 2 }, { workingDaysBefore: 0 }, { workingDaysAfter: 2 }]; out.rungs = issues(d);
  d = slice(); d.reminders = [{ workingDaysBefore: 0 }, { workingDaysAfter: 0 }]; out.rungs0 = issues(d);
  d = slice(); d.tasks[0].due = { date: '2026-02-30' }; out.badDate = issues(d);
  d = slice(); d.phases = [{ key: 'a', name: { id: 'A' }, start: { from: 'phaseCompleted', phase: 'b' } }, { key: 'b', name: { id: 'B' } }]; out.laterPhase = issues(d);
  d = slice(); d.phases = [{ key: 'a', name: { id: 'A' }, start: { from: 'phaseCompleted', phase: 'a' } }]; out.selfPhase = issues(d);
  d = slice(); d.phases = [{ key: 'a', name: { id: 'A' }, start: { from: 'phaseCompleted', phase: 'zz' } }]; out.missingPhase = issues(d);
  d = slice(); d.phases = [{ key: 'a', name: { id: 'A' }, start: { date: '2026-02-30' } }]; out.badPhaseDate = issues(d);
  console.log(JSON.stringify(out, null, 1));
});
