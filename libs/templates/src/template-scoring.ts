import type { TemplateDefinition } from '@kawal/domain';
import { FOLLOW_UP_KEY } from '@kawal/domain';
import { Instrument, InstrumentRegistry, ScoredTask, UnknownInstrumentError } from '@kawal/scoring';
import type { TemplateIssue } from './template-schema';

/**
 * How a template meets its scoring instrument: which instrument (and version) scores a case, and whether the
 * template's tasks fit it. Node-only (the registry reads instruments/).
 */

/** What scoring and the designation need of a template definition. */
export type ScoringTemplate = Pick<TemplateDefinition, 'tasks' | 'followUps' | 'scoring' | 'revocation'>;

/**
 * The instrument that scores a case of this template: the version the template pins, else the version that applies
 * to the programme's year (the latest once the year is past every version); null when it names none we know.
 */
export function instrumentForTemplate(
  template: Pick<TemplateDefinition, 'scoring'>,
  year: number,
  registry: InstrumentRegistry = InstrumentRegistry.builtIn(),
): Instrument | null {
  const s = template.scoring;
  // A template published before its instrument existed as data (or naming one since removed) scores nothing,
  // rather than breaking the read model and the case page.
  if (!s || !registry.has(s.instrument, s.version)) return null;
  if (s.version !== undefined) return registry.get(s.instrument, s.version);
  try {
    return registry.forYear(s.instrument, year);
  } catch {
    return registry.get(s.instrument);
  }
}

/** Publish-time checks: the instrument exists, tasks name its components, and every component has a task. */
export function checkTemplateScoring(template: TemplateDefinition, registry: InstrumentRegistry = InstrumentRegistry.builtIn()): TemplateIssue[] {
  const s = template.scoring;
  if (!s) return [];
  let instrument: Instrument;
  try {
    instrument = registry.get(s.instrument, s.version);
  } catch (err) {
    if (err instanceof UnknownInstrumentError) {
      const known = registry.list().map((i) => `${i.key}@${i.version}`).join(', ');
      return [{ path: s.version === undefined ? 'scoring.instrument' : 'scoring.version', rule: `must name a known scoring instrument (${known})` }];
    }
    throw err;
  }
  const issues: TemplateIssue[] = [];
  const keys = new Set(instrument.components.map((c) => c.key));
  const named = (component: string | undefined, path: string) => {
    if (component === undefined) return;
    if (keys.size === 0) issues.push({ path, rule: `must be absent: ${instrument.key}@${instrument.version} scores the case as a whole` });
    else if (!keys.has(component)) issues.push({ path, rule: `must be a component of ${instrument.key}@${instrument.version} (${[...keys].join(', ')})` });
  };
  template.tasks.forEach((t, i) => named(t.component, `tasks[${i}].component`));
  named(template.followUps?.component, 'followUps.component');
  for (const c of instrument.components) {
    if (!template.tasks.some((t) => t.component === c.key && (t.weight ?? 1) > 0)) {
      issues.push({ path: 'tasks', rule: `must give component "${c.key}" of ${instrument.key}@${instrument.version} at least one weighted task` });
    }
  }
  return issues;
}

/** The template task a case task comes from: "<key>.<n>" for a recurring occurrence, follow-ups for follow-ups. */
export function componentOfTask(template: Pick<TemplateDefinition, 'tasks' | 'followUps'>, taskKey: string): string | undefined {
  if (FOLLOW_UP_KEY.test(taskKey)) return template.followUps?.component;
  const base = template.tasks.find((t) => t.key === taskKey) ?? template.tasks.find((t) => t.key === taskKey.replace(/\.\d+$/, ''));
  return base?.component;
}

/** Read-model task rows as the scoring library wants them (the stored component wins; older rows fall back to the template). */
export function scoredTasks(
  template: Pick<TemplateDefinition, 'tasks' | 'followUps'>,
  tasks: Array<{ key: string; title: string; state: string; weight: number; component?: string | null }>,
): ScoredTask[] {
  return tasks.map((t) => ({ key: t.key, title: t.title, state: t.state, weight: t.weight, component: t.component ?? componentOfTask(template, t.key) }));
}

