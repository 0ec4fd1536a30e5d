import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { TemplateValidationError, parseTemplate } from '@kawal/domain';

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
});
