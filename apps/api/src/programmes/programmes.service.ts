import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ProgrammeActionRequest, caseWorkflowId, programmeActionRequestUpdate, programmeWorkflowId, ProgrammeWorkflowInput, unitsJoinedUpdate } from '@kawal/contracts';
import { TemplateDefinition, countByState, localDateAt, unitTimeZone } from '@kawal/domain';
import { ApiError, isUuid } from '../common/api-error';
import { toCaseTaskDto } from '../cases/case.mapper';
import { AccessService } from '../access/access.service';
import { LAUNCHERS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { PeopleRepository } from '../people/people.repository';
import { TemplatesService } from '../templates/templates.service';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { UnitsRepository } from '../units/units.repository';
import { CasePageDto, JoinUnitsDto, LaunchProgrammeDto, ProgrammeActionDto, ProgrammeActionResultDto, ProgrammeProgressDto, ProgrammeSummaryDto } from './programme.dto';
import { ProgrammesRepository } from './programmes.repository';

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
});

const encodeCursor = (workflowId: string) => Buffer.from(workflowId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

@Injectable()
export class ProgrammesService {
  private readonly logger = new Logger(ProgrammesService.name);

  constructor(
    private readonly repo: ProgrammesRepository,
    private readonly templates: TemplatesService,
    private readonly people: PeopleRepository,
    private readonly units: UnitsRepository,
    private readonly temporal: TemporalClientService,
    private readonly access: AccessService,
  ) {}

  /**
   * Launches for the selected units. The actor coordinates it, unless an administrator names another coordinator;
   * either way the coordinator must hold COORDINATOR or ADMIN over every selected unit.
   */
  async launch(dto: LaunchProgrammeDto, actor: Actor): Promise<ProgrammeSummaryDto> {
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
    const units = await this.unitsByCodes(dto.unitCodes);
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
    return this.summary(id);
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
    return this.summary(id);
  }

  /** The units named by `codes`; every unknown code is a validation error naming its position (at most 20). */
  private async unitsByCodes(codes: string[]) {
    const units = await this.units.byCodes(codes);
    if (units.length !== codes.length) {
      const known = new Set(units.map((u) => u.code));
      const errors = codes
        .map((code, i) => ({ code, i }))
        .filter(({ code }) => !known.has(code))
        .slice(0, 20)
        .map(({ code, i }) => ({ field: `unitCodes[${i}]`, rule: `must name an existing unit; ${code} does not exist`, message: `harus kode unit yang sudah ada; ${code} tidak ditemukan` }));
      throw ApiError.invalid(errors);
    }
    return units;
  }

  async summary(id: string): Promise<ProgrammeSummaryDto> {
    return toSummary(await this.find(id));
  }

  async list(): Promise<ProgrammeSummaryDto[]> {
    return (await this.repo.list()).map(toSummary);
  }

  async progress(id: string): Promise<ProgrammeProgressDto> {
    const programme = await this.find(id);
    const p = await this.repo.progress(id);
    const tasksByState = countByState([]);
    for (const row of p.tasksByState) tasksByState[row.state] = row.count;
    const taskCount = Object.values(tasksByState).reduce((a, b) => a + b, 0);
    const done = tasksByState.APPROVED + tasksByState.WAIVED;
    return {
      ...toSummary(programme),
      casesStarted: p.casesStarted,
      casesByStatus: p.casesByStatus,
      tasksByState,
      taskCount,
      percentApproved: taskCount === 0 ? 0 : Math.round((done / taskCount) * 10_000) / 100,
      overdueCases: p.overdueCases,
    };
  }

  async cases(id: string, cursor: string | undefined, limit: number): Promise<CasePageDto> {
    await this.find(id);
    const rows = await this.repo.casesPage(id, cursor ? decodeCursor(cursor) : undefined, limit);
    const page = rows.slice(0, limit);
    return {
      items: page.map((c) => ({
        id: c.id,
        workflowId: c.workflowId,
        status: c.status,
        unitCode: c.unit.code,
        unitName: c.unit.name,
        timeZone: c.unit.timeZone,
        tasks: c.tasks.map(toCaseTaskDto),
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].workflowId) : null,
    };
  }

  private async find(id: string): Promise<ProgrammeRow> {
    const row = isUuid(id) ? await this.repo.find(id) : null;
    if (!row) throw ApiError.notFound({ id: 'Program', en: 'Programme' }, id);
    return row;
  }
}
