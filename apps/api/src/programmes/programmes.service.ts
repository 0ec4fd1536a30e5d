import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ProgrammeActionRequest, caseWorkflowId, programmeActionRequestUpdate, programmeWorkflowId, ProgrammeWorkflowInput, unitsJoinedUpdate } from '@kawal/contracts';
import { TemplateDefinition, addMonths, countByState, localDateAt, percent, unitTimeZone } from '@kawal/domain';
import { ProgrammeReport, ProgrammeReportRow, programmeReportCsv, programmeReportXlsx } from '@kawal/reports';
import { ApiError, isUuid } from '../common/api-error';
import type { Locale } from '../common/locale';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { toCaseTaskDto } from '../cases/case.mapper';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { LAUNCHERS, PROGRAMME_READERS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { PeopleRepository } from '../people/people.repository';
import { TemplatesService } from '../templates/templates.service';
import { TemporalClientService } from '../temporal/temporal-client.service';
import {
  CSV_MEDIA_TYPE,
  CaseListQueryDto,
  CasePageDto,
  ExportFormat,
  JoinUnitsDto,
  LaunchProgrammeDto,
  NextCycleDto,
  MAX_UNITS_PER_LAUNCH,
  PROGRAMMES_PAGE,
  ParentBreakdownDto,
  ProgrammeActionDto,
  ProgrammeActionResultDto,
  ProgrammeListQueryDto,
  ProgrammePageDto,
  ProgrammeProgressDto,
  ProgrammeSummaryDto,
  UnitSelectorDto,
  XLSX_MEDIA_TYPE,
} from './programme.dto';
import { ProgrammeListRow, ProgrammeVisibility, ProgrammesRepository } from './programmes.repository';

type ProgrammeRow = NonNullable<Awaited<ReturnType<ProgrammesRepository['find']>>>;

const toSummary = (p: ProgrammeRow): ProgrammeSummaryDto => ({
  id: p.id,
  name: p.name,
  status: p.status,
  templateKey: p.template.key,
  templateVersion: p.template.version,
  startDate: p.startDate.toISOString().slice(0, 10),
  workflowId: p.workflowId,
  caseCount: p._count.cases,
  coordinatorEmail: p.coordinator.email,
  createdAt: p.createdAt.toISOString(),
  cycle: p.cycle,
  previousProgrammeId: p.previousId,
});

const fromListRow = (r: ProgrammeListRow): ProgrammeSummaryDto => ({
  id: r.id,
  name: r.name,
  status: r.status,
  templateKey: r.template_key,
  templateVersion: r.template_version,
  startDate: r.start_date,
  workflowId: r.workflow_id,
  caseCount: r.case_count,
  coordinatorEmail: r.coordinator_email,
  createdAt: r.created_at.toISOString(),
  cycle: r.cycle,
  previousProgrammeId: r.previous_id,
});

/** "KBM Banjarbaru 2026" + 1 year -> "KBM Banjarbaru 2027"; a name without a year gets " (siklus N)". */
export function nextCycleName(name: string, years: number, cycle: number): string {
  const match = /(19|20)\d{2}(?!.*(19|20)\d{2})/.exec(name);
  if (match && years > 0) return `${name.slice(0, match.index)}${Number(match[0]) + years}${name.slice(match.index + 4)}`;
  return `${name.replace(/ \(siklus \d+\)$/, '')} (siklus ${cycle})`;
}

/** Case pages: keyset on the case workflow id (which, within a programme, orders by unit code). */
const decodeCaseCursor = (cursor: string): string => decodeCursor(cursor, 1, ([workflowId]) => workflowId.startsWith('kawal-case/'))[0];

/** Programme pages: keyset on (created_at desc, id desc), stable while programmes are launched meanwhile. */
function decodeProgrammeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = decodeCursor(cursor, 2, ([at, id, ...rest]) => rest.length === 0 && isUuid(id) && !Number.isNaN(new Date(at).getTime()));
  return { createdAt: new Date(at), id };
}


/** Cases per page when the export reads the read model (a few thousand cases, ten-odd tasks each). */
const REPORT_PAGE = 2_000;

/** A file name from a programme name: lower case, ASCII letters and digits joined by '-', at most 80 characters. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'program';
}

export interface ProgrammeExport {
  body: Buffer;
  contentType: string;
  filename: string;
}

@Injectable()
export class ProgrammesService {
  private readonly logger = new Logger(ProgrammesService.name);

  constructor(
    private readonly repo: ProgrammesRepository,
    private readonly templates: TemplatesService,
    private readonly people: PeopleRepository,
    private readonly temporal: TemporalClientService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Launches for the selected units. The actor coordinates it, unless an administrator names another coordinator;
   * either way the coordinator must hold COORDINATOR or ADMIN over every selected unit.
   */
  async launch(dto: LaunchProgrammeDto, actor: Actor, cycleOf?: { previousId: string; cycle: number }): Promise<ProgrammeSummaryDto> {
    if (!this.access.holdsAnywhere(actor, LAUNCHERS)) {
      throw ApiError.forbidden({ id: `${actor.email} tidak berperan sebagai koordinator atau admin.`, en: `${actor.email} holds neither the COORDINATOR nor the ADMIN role.` });
    }
    const template = await this.templates.get(dto.templateKey, dto.templateVersion);
    const named = dto.coordinatorEmail && dto.coordinatorEmail.toLowerCase() !== actor.email ? await this.people.byEmail(dto.coordinatorEmail) : null;
    if (dto.coordinatorEmail && dto.coordinatorEmail.toLowerCase() !== actor.email) {
      if (!this.access.holdsAnywhere(actor, ['ADMIN'])) {
        throw ApiError.forbidden({ id: 'Hanya admin yang dapat menunjuk koordinator lain.', en: 'Only an administrator may name another coordinator.' });
      }
      if (!named || !named.roles.some((r) => LAUNCHERS.includes(r.role))) {
        throw ApiError.invalid([{ field: 'coordinatorEmail', rule: 'must be a registered person with the COORDINATOR or ADMIN role', message: 'harus orang terdaftar dengan peran COORDINATOR atau ADMIN' }]);
      }
    }
    const coordinator = named ? { id: named.id, grants: named.roles.map((r) => ({ role: r.role, unitId: r.unitId })) } : { id: actor.personId, grants: actor.grants };
    const units = await this.selectedUnits(dto);
    const outside = await this.access.outsideScope(coordinator.grants, LAUNCHERS, units.map((u) => u.id));
    if (outside.length > 0) {
      const codes = new Map(units.map((u) => [u.id, u.code]));
      throw ApiError.forbidden({
        id: `Koordinator tidak berwenang atas unit: ${outside.slice(0, 10).map((id) => codes.get(id)).join(', ')}.`,
        en: `The coordinator has no authority over the units: ${outside.slice(0, 10).map((id) => codes.get(id)).join(', ')}.`,
      });
    }

    const id = randomUUID();
    const workflowId = programmeWorkflowId(id);
    await this.repo.createWithCases(
      {
        id,
        name: dto.name,
        templateId: template.id,
        coordinatorId: coordinator.id,
        startDate: new Date(`${dto.startDate}T00:00:00Z`),
        workflowId,
        localHolidays: (dto.localHolidays ?? []).map((h) => ({ date: h.date, name: { id: h.name.id, ...(h.name.en ? { en: h.name.en } : {}) } })),
        ...(cycleOf ?? {}),
      },
      units.map((u) => ({ unitId: u.id, workflowId: caseWorkflowId(id, u.code) })),
    );
    const input: ProgrammeWorkflowInput = { programmeId: id, caseCount: units.length };
    try {
      await this.temporal.client.workflow.start('programmeWorkflow', { taskQueue: this.temporal.taskQueue, workflowId, args: [input] });
    } catch (err) {
      this.logger.error(`programme ${id} could not start its workflow: ${(err as Error).message}`);
      await this.repo.delete(id);
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'WORKFLOW_ENGINE_UNAVAILABLE',
        { id: 'Mesin alur kerja tidak tersedia', en: 'Workflow engine unavailable' },
        { id: 'Program tidak diluncurkan karena Temporal tidak dapat dihubungi. Tidak ada yang disimpan; coba lagi.', en: 'The programme was not launched because Temporal could not be reached. Nothing was saved; try again.' },
      );
    }
    await this.audit.record({
      actor,
      action: 'programme.launched',
      programmeId: id,
      idempotencyKey: `programme/${id}/launched`,
      after: { name: dto.name, template: { key: template.key, version: template.version }, startDate: dto.startDate, coordinatorId: coordinator.id, units: units.length, localHolidays: dto.localHolidays ?? [] },
    });
    return this.summary(id);
  }

  /**
   * Launches the next cycle of a repeating programme (the template's `cycle`, e.g. the yearly MoU follow-up): the
   * latest published version of the same template, for the same units (those not cancelled), starting
   * cycle.everyMonths after this one unless a date is given, coordinated by the same person.
   */
  async nextCycle(id: string, actor: Actor, dto: NextCycleDto): Promise<ProgrammeSummaryDto> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'steer');
    const template = await this.templates.get(programme.template.key, programme.template.version);
    const cycle = (template.definition as unknown as TemplateDefinition).cycle;
    if (!cycle) {
      throw ApiError.conflict('NO_CYCLE', {
        id: `Templat ${programme.template.key} tidak berulang (tidak ada "cycle"), jadi tidak ada siklus berikutnya.`,
        en: `Template ${programme.template.key} does not repeat (it has no "cycle"), so there is no next cycle.`,
      });
    }
    const taken = () =>
      ApiError.conflict('NEXT_CYCLE_EXISTS', { id: 'Siklus berikutnya program ini sudah diluncurkan.', en: "This programme's next cycle has already been launched." });
    if (programme.next) throw taken();
    const unitCodes = await this.repo.activeUnitCodes(id);
    if (unitCodes.length === 0) throw ApiError.conflict('NO_UNITS', { id: 'Tidak ada unit aktif untuk siklus berikutnya.', en: 'No units are left for a next cycle.' });
    const previousStart = programme.startDate.toISOString().slice(0, 10);
    const startDate = dto.startDate ?? addMonths(previousStart, cycle.everyMonths);
    if (startDate <= previousStart) throw ApiError.invalid([{ field: 'startDate', rule: `must be after this cycle's start ${previousStart}`, message: `harus setelah awal siklus ini ${previousStart}` }]);
    const years = Number(startDate.slice(0, 4)) - Number(previousStart.slice(0, 4));
    const name = dto.name?.trim() || nextCycleName(programme.name, years, programme.cycle + 1);
    try {
      return await this.launch(
        { name, templateKey: programme.template.key, startDate, unitCodes, coordinatorEmail: programme.coordinator.email },
        actor,
        { previousId: programme.id, cycle: programme.cycle + 1 },
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw taken();
      throw err;
    }
  }

  /** A coordinator's action on the whole programme; the workflow accepts it (or refuses it with a reason) and fans it out. */
  async action(id: string, actor: Actor, dto: ProgrammeActionDto): Promise<ProgrammeActionResultDto> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'steer');
    const base = { by: actor.email, reason: dto.reason.trim() };
    let request: ProgrammeActionRequest;
    switch (dto.kind) {
      case 'extend':
        if (dto.workingDays === undefined) throw ApiError.invalid([{ field: 'workingDays', rule: 'is required to extend deadlines', message: 'wajib diisi untuk memperpanjang tenggat' }]);
        request = { ...base, kind: 'extend', workingDays: dto.workingDays, unitCodes: dto.unitCodes, taskKeys: dto.taskKeys };
        break;
      case 'remind':
        request = { ...base, kind: 'remind', unitCodes: dto.unitCodes };
        break;
      case 'migrate': {
        if (dto.templateVersion === undefined) throw ApiError.invalid([{ field: 'templateVersion', rule: 'is required to migrate', message: 'wajib diisi untuk migrasi' }]);
        if (dto.templateVersion <= programme.template.version) {
          throw ApiError.invalid([{ field: 'templateVersion', rule: `must be newer than the programme's version ${programme.template.version}`, message: `harus lebih baru dari versi ${programme.template.version}` }]);
        }
        const target = await this.templates.get(programme.template.key, dto.templateVersion);
        request = { ...base, kind: 'migrate', unitCodes: dto.unitCodes, template: target.definition as unknown as TemplateDefinition };
        break;
      }
      default:
        request = { ...base, kind: dto.kind };
    }
    const record = await this.temporal.client.workflow.getHandle(programme.workflowId).executeUpdate(programmeActionRequestUpdate, { args: [request] });
    return { actionId: record.actionId, kind: record.kind, by: record.by, reason: record.reason, at: record.at };
  }

  /** Units joining a running programme: their cases start counting from the day they join. */
  async join(id: string, actor: Actor, dto: JoinUnitsDto): Promise<ProgrammeSummaryDto> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'steer');
    const units = await this.unitsByCodes(dto.unitCodes);
    // The launch rule holds for late joiners too: whoever adds units must hold COORDINATOR or ADMIN over them.
    const outside = new Set(await this.access.outsideScope(actor.grants, LAUNCHERS, units.map((u) => u.id)));
    if (outside.size > 0) {
      const codes = units.filter((u) => outside.has(u.id)).slice(0, 10).map((u) => u.code).join(', ');
      throw ApiError.forbidden({ id: `${actor.email} tidak berwenang atas unit: ${codes}.`, en: `${actor.email} has no authority over the units: ${codes}.` });
    }
    const known = new Map(units.map((u) => [u.code, u]));
    const already = await this.repo.unitsInProgramme(id, units.map((u) => u.id));
    if (already.size > 0) {
      const errors = dto.unitCodes.map((code, i) => ({ code, i })).filter(({ code }) => already.has(known.get(code)!.id));
      throw ApiError.invalid(errors.slice(0, 20).map(({ code, i }) => ({ field: `unitCodes[${i}]`, rule: `must not already take part; ${code} does`, message: `${code} sudah ikut program ini` })));
    }
    const now = Date.now();
    const rows = units.map((u) => ({ unitId: u.id, workflowId: caseWorkflowId(id, u.code), startDate: new Date(`${localDateAt(now, unitTimeZone(u))}T00:00:00Z`) }));
    await this.repo.addCases(id, rows);
    try {
      await this.temporal.client.workflow.getHandle(programme.workflowId).executeUpdate(unitsJoinedUpdate, { args: [{ count: rows.length, by: actor.email, reason: dto.reason?.trim() || undefined }] });
    } catch (err) {
      // The programme refused (e.g. closed) or could not be reached: the new rows must not linger unlaunched.
      await this.repo.removeCases(rows.map((r) => r.workflowId));
      throw err;
    }
    await this.audit.record({ actor, action: 'programme.units-joined', reason: dto.reason?.trim() || undefined, programmeId: id, after: { unitCodes: dto.unitCodes } });
    return this.summary(id);
  }

  /** The units a launch names: exactly one of a list of codes or a selector, never nothing, at most the cap. */
  private async selectedUnits(dto: LaunchProgrammeDto): Promise<Array<{ id: string; code: string; timeZone: string }>> {
    if (dto.unitCodes !== undefined && dto.unitSelector !== undefined) {
      throw ApiError.invalid([{ field: 'unitSelector', rule: 'must not be given together with unitCodes; give exactly one of them', message: 'tidak boleh diisi bersama unitCodes; isi salah satunya saja' }]);
    }
    if (dto.unitCodes !== undefined) return this.unitsByCodes(dto.unitCodes);
    if (dto.unitSelector === undefined) {
      throw ApiError.invalid([{ field: 'unitCodes', rule: 'either unitCodes or unitSelector is required', message: 'wajib diisi: unitCodes atau unitSelector' }]);
    }
    return this.unitsBySelector(dto.unitSelector);
  }

  /** The units a selector names (a recursive query for `under`); unknown codes, an empty or too large selection are errors. */
  private async unitsBySelector(selector: UnitSelectorDto) {
    if (selector.under === undefined && selector.kind === undefined && selector.codes === undefined) {
      throw ApiError.invalid([{ field: 'unitSelector', rule: 'must name at least one of under, kind and codes', message: 'harus berisi paling sedikit salah satu dari under, kind atau codes' }]);
    }
    let underId: string | undefined;
    if (selector.under !== undefined) {
      const root = await this.repo.unitByCode(selector.under);
      if (!root) {
        throw ApiError.invalid([{ field: 'unitSelector.under', rule: `must name an existing unit; ${selector.under} does not exist`, message: `harus kode unit yang sudah ada; ${selector.under} tidak ditemukan` }]);
      }
      underId = root.id;
    }
    if (selector.codes !== undefined) await this.unitsByCodes(selector.codes, 'unitSelector.codes');
    const units = await this.repo.selectUnits({ underId, kind: selector.kind, codes: selector.codes }, MAX_UNITS_PER_LAUNCH + 1);
    if (units.length === 0) {
      throw ApiError.invalid([{ field: 'unitSelector', rule: 'selects no unit', message: 'tidak memilih satu unit pun' }]);
    }
    if (units.length > MAX_UNITS_PER_LAUNCH) {
      throw ApiError.invalid([
        { field: 'unitSelector', rule: `selects more than ${MAX_UNITS_PER_LAUNCH} units; narrow it down`, message: `memilih lebih dari ${MAX_UNITS_PER_LAUNCH} unit; persempit pilihannya` },
      ]);
    }
    return units;
  }

  /** The units named by `codes`; every unknown code is a validation error naming its position (at most 20). */
  private async unitsByCodes(codes: string[], field = 'unitCodes') {
    const units = await this.repo.unitsByCodes(codes);
    if (units.length !== codes.length) {
      const known = new Set(units.map((u) => u.code));
      const errors = codes
        .map((code, i) => ({ code, i }))
        .filter(({ code }) => !known.has(code))
        .slice(0, 20)
        .map(({ code, i }) => ({ field: `${field}[${i}]`, rule: `must name an existing unit; ${code} does not exist`, message: `harus kode unit yang sudah ada; ${code} tidak ditemukan` }));
      throw ApiError.invalid(errors);
    }
    return units;
  }

  async summary(id: string): Promise<ProgrammeSummaryDto> {
    return toSummary(await this.find(id));
  }

  /**
   * The programmes the actor may read, newest first: those they coordinate, and, for a reader role (ADMIN,
   * COORDINATOR, OBSERVER), those with a case in the subtree of a unit where they hold it; a global grant sees all.
   */
  async list(actor: Actor, q: ProgrammeListQueryDto): Promise<ProgrammePageDto> {
    const limit = q.limit ?? PROGRAMMES_PAGE.defaultLimit;
    const after = q.cursor ? decodeProgrammeCursor(q.cursor) : null;
    const scope = this.access.scopeOf(actor, PROGRAMME_READERS);
    const visibility: ProgrammeVisibility = scope.includes(null)
      ? { all: true }
      : { all: false, personId: actor.personId, scopeUnitIds: [...new Set(scope as string[])] };
    const rows = await this.repo.list(visibility, { status: q.status, q: q.q }, after, limit);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(fromListRow), nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }

  /** The dashboard: the progress figures and the same per parent unit, from one aggregate query. */
  async progress(id: string, actor: Actor): Promise<ProgrammeProgressDto> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'read');
    const rows = await this.repo.breakdown(id);
    const tasksByState = countByState([]);
    const casesByStatus: Record<string, number> = {};
    const parents = new Map<string, ParentBreakdownDto>();
    let casesStarted = 0;
    let overdueCases = 0;
    let overdueTasks = 0;
    for (const r of rows) {
      tasksByState.BLOCKED += r.blocked;
      tasksByState.OPEN += r.open;
      tasksByState.SUBMITTED += r.submitted;
      tasksByState.IN_REVIEW += r.in_review;
      tasksByState.RETURNED += r.returned;
      tasksByState.APPROVED += r.approved;
      tasksByState.WAIVED += r.waived;
      casesByStatus[r.case_status] = (casesByStatus[r.case_status] ?? 0) + r.cases;
      casesStarted += r.started;
      overdueCases += r.overdue_cases;
      overdueTasks += r.overdue_tasks;
      const key = r.parent_code ?? '';
      let line = parents.get(key);
      if (!line) {
        line = { parentCode: r.parent_code, parentName: r.parent_name, cases: 0, tasks: 0, approved: 0, waived: 0, overdueTasks: 0, overdueCases: 0, percentApproved: 0 };
        parents.set(key, line);
      }
      line.cases += r.cases;
      line.tasks += r.blocked + r.open + r.submitted + r.in_review + r.returned + r.approved + r.waived;
      line.approved += r.approved;
      line.waived += r.waived;
      line.overdueTasks += r.overdue_tasks;
      line.overdueCases += r.overdue_cases;
    }
    const breakdown = [...parents.values()];
    for (const line of breakdown) line.percentApproved = percent(line.approved + line.waived, line.tasks);
    // The query returns parents in code order (no parent last); the map kept that order.
    const taskCount = Object.values(tasksByState).reduce((a, b) => a + b, 0);
    return {
      ...toSummary(programme),
      casesStarted,
      casesByStatus,
      tasksByState,
      taskCount,
      percentApproved: percent(tasksByState.APPROVED + tasksByState.WAIVED, taskCount),
      overdueCases,
      overdueTasks,
      breakdown,
    };
  }

  async cases(id: string, actor: Actor, q: CaseListQueryDto): Promise<CasePageDto> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'read');
    const limit = q.limit ?? PROGRAMMES_PAGE.defaultLimit;
    const after = q.cursor ? decodeCaseCursor(q.cursor) : undefined;
    const rows = await this.repo.casesPage(id, { overdue: q.overdue, status: q.status, parentCode: q.parentCode }, after, limit);
    const page = rows.slice(0, limit);
    return {
      items: page.map((c) => ({
        id: c.id,
        workflowId: c.workflowId,
        status: c.status,
        unitCode: c.unit.code,
        unitName: c.unit.name,
        parentCode: c.unit.parent?.code ?? null,
        parentName: c.unit.parent?.name ?? null,
        timeZone: c.unit.timeZone,
        score: c.score,
        scoreZone: c.scoreZone,
        scoreCategory: c.scoreCategory,
        designation: c.designation,
        tasks: c.tasks.map(toCaseTaskDto),
      })),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].workflowId]) : null,
    };
  }

  /**
   * The report file: one row per case (task figures aggregated by the database) and the task list, read a page of
   * cases at a time; then the CSV or XLSX from @kawal/reports. Approved counts include waived tasks, as on the dashboard.
   */
  async export(id: string, actor: Actor, format: ExportFormat, locale: Locale): Promise<ProgrammeExport> {
    const programme = await this.find(id);
    await this.access.assertProgramme(actor, programme, 'read');
    const generatedAt = Date.now();
    const rows: ProgrammeReportRow[] = [];
    for (let after: string | null = null; ; ) {
      const cases = await this.repo.reportCases(id, after, REPORT_PAGE);
      if (cases.length === 0) break;
      // Only the workbook has a task sheet; the CSV is one row per unit.
      const tasks = format === 'xlsx' ? await this.repo.reportTasks(cases.map((c) => c.id)) : [];
      const byCase = new Map<string, ProgrammeReportRow['tasks']>();
      for (const t of tasks) {
        let list = byCase.get(t.case_id);
        if (!list) byCase.set(t.case_id, (list = []));
        list.push({ key: t.key, title: t.title, state: t.state, dueDate: t.due_date, overdue: t.overdue });
      }
      for (const c of cases) {
        rows.push({
          unitCode: c.unit_code,
          unitName: c.unit_name,
          parentCode: c.parent_code,
          parentName: c.parent_name,
          timeZone: c.time_zone,
          caseStatus: c.status,
          tasksTotal: c.tasks_total,
          tasksApproved: c.tasks_done,
          tasksOverdue: c.tasks_overdue,
          percentApproved: percent(c.tasks_done, c.tasks_total),
          nextDueDate: c.next_due_date,
          tasks: byCase.get(c.id) ?? [],
        });
      }
      if (cases.length < REPORT_PAGE) break;
      after = cases[cases.length - 1].unit_code;
    }
    const report: ProgrammeReport = {
      programme: {
        id: programme.id,
        name: programme.name,
        templateKey: programme.template.key,
        templateVersion: programme.template.version,
        startDate: programme.startDate.toISOString().slice(0, 10),
        status: programme.status,
        generatedAt: new Date(generatedAt).toISOString(),
      },
      locale,
      rows,
    };
    // The date in the file name is the local date of the programme's (first) units.
    const day = localDateAt(generatedAt, unitTimeZone({ code: rows[0]?.unitCode ?? '63', timeZone: rows[0]?.timeZone }));
    const base = `${slugify(programme.name)}-${day}`;
    return format === 'xlsx'
      ? { body: await programmeReportXlsx(report), contentType: XLSX_MEDIA_TYPE, filename: `${base}.xlsx` }
      : { body: programmeReportCsv(report), contentType: `${CSV_MEDIA_TYPE}; charset=utf-8`, filename: `${base}.csv` };
  }

  private async find(id: string): Promise<ProgrammeRow> {
    const row = isUuid(id) ? await this.repo.find(id) : null;
    if (!row) throw ApiError.notFound({ id: 'Program', en: 'Programme' }, id);
    return row;
  }
}
