import * as path from 'node:path';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { addFollowUpsUpdate, decideExtensionUpdate, reassignTaskUpdate, revokeDesignationUpdate, requestExtensionUpdate, reviewTaskUpdate, signOffCaseUpdate, submitTaskUpdate, waiveTaskUpdate } from '@kawal/contracts';
import { localDateAt, type CaseState, type IndonesianTimeZone, type Revocation, type TemplateDefinition } from '@kawal/domain';
import { AppConfig } from '@kawal/config';
import { ALLOWED_EVIDENCE_TYPES, EvidenceStorage, detectEvidenceType } from '@kawal/storage';
import { ApiError, isUuid } from '../common/api-error';
import { AccessService } from '../access/access.service';
import type { CaseAction } from '../access/policy';
import type { Actor } from '../auth/actor';
import { PeopleRepository } from '../people/people.repository';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { fromWorkflowTask, toCaseTaskDto } from './case.mapper';
import {
  CaseCommandResultDto,
  AddFollowUpsDto,
  CaseDetailDto,
  DecideExtensionDto,
  EvidenceDto,
  ReassignTaskDto,
  RequestExtensionDto,
  ReviewTaskDto,
  RevokeDesignationDto,
  SignOffCaseDto,
  SubmitTaskDto,
  TaskCommandResultDto,
  WaiveTaskDto,
} from './case.dto';
import { CasesRepository } from './cases.repository';
import { ScoresService } from '../scores/scores.service';
import type { DesignationDto } from '../scores/score.dto';

type CaseRow = NonNullable<Awaited<ReturnType<CasesRepository['find']>>>;
type EvidenceRow = CaseRow['evidence'][number];

export interface UploadedFile {
  originalname: string;
  size: number;
  buffer: Buffer;
}

const toEvidenceDto = (e: EvidenceRow): EvidenceDto => ({
  id: e.id,
  taskKey: e.taskKey,
  lineageId: e.lineageId,
  version: e.version,
  sha256: e.sha256,
  sizeBytes: e.sizeBytes,
  mediaType: e.mediaType,
  filename: e.filename,
  uploadedBy: e.uploadedBy,
  createdAt: e.createdAt.toISOString(),
});

/** Printable, path-free file name (the original name is kept for people, never used as a path). */
function cleanFilename(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'evidence').slice(0, 255);
}

@Injectable()
export class CasesService {
  constructor(
    private readonly repo: CasesRepository,
    private readonly people: PeopleRepository,
    private readonly access: AccessService,
    private readonly temporal: TemporalClientService,
    private readonly storage: EvidenceStorage,
    private readonly config: AppConfig,
    private readonly scores: ScoresService,
  ) {}

  async detail(id: string, actor: Actor): Promise<CaseDetailDto> {
    const c = await this.find(id);
    await this.assert(c, actor, 'case.read');
    return {
      id: c.id,
      programmeId: c.programmeId,
      workflowId: c.workflowId,
      status: c.status,
      version: c.version,
      unitCode: c.unit.code,
      unitName: c.unit.name,
      timeZone: c.unit.timeZone,
      tasks: c.tasks.map(toCaseTaskDto),
      evidence: c.evidence.map(toEvidenceDto),
      score: this.scores.caseScore(this.template(c), c.programme.startDate, c.tasks),
      designation: this.designation(c),
    };
  }

  /** Where the template's designation stands, from the read model (status and revocations are written with every state). */
  private designation(c: CaseRow): DesignationDto | null {
    const r = this.template(c).revocation;
    if (!r) return null;
    const task = c.tasks.find((t) => t.key === r.designationTask);
    const granted = c.designation === 'granted' && task?.approvedAt;
    return {
      name: { id: r.name.id, en: r.name.en ?? r.name.id },
      status: c.designation ?? 'pending',
      grantedOn: granted ? localDateAt(task!.approvedAt!.getTime(), c.unit.timeZone as IndonesianTimeZone) : null,
      revocations: (c.revocations as unknown as Revocation[]) ?? [],
    };
  }

  private template(c: CaseRow): TemplateDefinition {
    // Validated when it was published; not parsed again per request.
    return c.programme.template.definition as unknown as TemplateDefinition;
  }

  /**
   * Revokes the unit's designation after an upheld maladministration report (the coordinator): the template's listed
   * tasks open again and the unit's heads, the head of its parent unit and the coordinator are told.
   */
  async revokeDesignation(caseId: string, actor: Actor, dto: RevokeDesignationDto): Promise<CaseCommandResultDto> {
    const c = await this.find(caseId);
    await this.assert(c, actor, 'case.decide');
    const state = await this.handle(c).executeUpdate(revokeDesignationUpdate, {
      args: [{ by: actor.email, reason: dto.reason.trim(), reference: dto.reference?.trim() || undefined }],
    });
    return { caseId: state.caseId, caseStatus: state.status, tasks: state.tasks.map(fromWorkflowTask) };
  }

  /** Adds follow-up tasks to the case (the coordinator), e.g. one per note of the Ombudsman's rapor for the unit. */
  async addFollowUps(caseId: string, actor: Actor, dto: AddFollowUpsDto): Promise<CaseCommandResultDto> {
    const c = await this.find(caseId);
    await this.assert(c, actor, 'case.decide');
    const items = [];
    for (const [i, item] of dto.items.entries()) {
      const owner = item.ownerEmail ? await this.people.byEmail(item.ownerEmail) : null;
      if (item.ownerEmail && !owner) {
        throw ApiError.invalid([{ field: `items[${i}].ownerEmail`, rule: 'must be a registered person', message: 'harus orang yang terdaftar di Kawal' }]);
      }
      items.push({
        title: item.title.trim(),
        description: item.description?.trim() || undefined,
        owner: owner ? { email: owner.email, name: owner.name, locale: owner.locale === 'en' ? ('en' as const) : ('id' as const) } : undefined,
        dueDate: item.dueDate,
        workingDays: item.workingDays,
      });
    }
    const state = await this.handle(c).executeUpdate(addFollowUpsUpdate, { args: [{ by: actor.email, source: dto.source.trim(), items }] });
    return { caseId: state.caseId, caseStatus: state.status, tasks: state.tasks.map(fromWorkflowTask) };
  }

  /** Stores a file as new evidence, or as the next version of `replaces` (earlier versions stay, untouched). */
  async upload(caseId: string, taskKey: string, actor: Actor, file: UploadedFile | undefined, replaces?: string): Promise<EvidenceDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'task.work');
    if (!file) {
      throw ApiError.invalid([{ field: 'file', rule: 'is required (multipart/form-data field "file")', message: 'wajib diisi (field multipart "file")' }]);
    }
    if (file.size === 0 || file.buffer.length === 0) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'EMPTY_FILE', { id: 'Berkas kosong', en: 'Empty file' }, { id: 'Berkas yang diunggah kosong (0 byte).', en: 'The uploaded file is empty (0 bytes).' });
    }
    if (file.buffer.length > this.config.evidence.maxBytes) {
      throw this.tooLarge();
    }
    const type = await detectEvidenceType(file.buffer);
    if (!type.ok) {
      const allowed = Object.values(ALLOWED_EVIDENCE_TYPES).join(', ');
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_FILE_TYPE',
        { id: 'Jenis berkas tidak didukung', en: 'Unsupported file type' },
        {
          id: `Isi berkas ${type.detected ? `(${type.detected}) ` : ''}bukan jenis yang diterima. Jenis yang diterima: ${allowed}.`,
          en: `The file content ${type.detected ? `(${type.detected}) ` : ''}is not an accepted type. Accepted: ${allowed}.`,
        },
      );
    }
    let lineageId: string | undefined;
    if (replaces !== undefined) {
      const previous = isUuid(replaces) ? await this.repo.evidence(replaces) : null;
      if (!previous || previous.caseId !== c.id || previous.taskKey !== taskKey) {
        throw ApiError.invalid([{ field: 'replaces', rule: 'must be the id of evidence of this task of this case', message: 'harus id bukti untuk tugas ini pada kasus ini' }]);
      }
      lineageId = previous.lineageId;
    }
    // Store first, then record: a crash in between leaves an unreferenced (content-addressed) file, never a row without its file.
    const stored = await this.storage.put(file.buffer);
    const row = await this.repo.insertEvidence({
      caseId: c.id,
      taskKey,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      mediaType: type.mediaType,
      filename: cleanFilename(file.originalname),
      storageKey: stored.key,
      uploadedBy: actor.email,
    }, lineageId);
    return toEvidenceDto(row);
  }

  tooLarge(): ApiError {
    const mb = (this.config.evidence.maxBytes / (1024 * 1024)).toFixed(1);
    return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'FILE_TOO_LARGE', { id: 'Berkas terlalu besar', en: 'File too large' }, { id: `Ukuran berkas melebihi batas ${mb} MB.`, en: `The file exceeds the ${mb} MB limit.` });
  }

  async submit(caseId: string, taskKey: string, actor: Actor, dto: SubmitTaskDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'task.work');
    const found = await this.repo.evidenceOfTask(c.id, taskKey, dto.evidenceIds);
    if (found.length !== dto.evidenceIds.length) {
      const known = new Set(found.map((e) => e.id));
      const i = dto.evidenceIds.findIndex((id) => !known.has(id));
      throw ApiError.invalid([{ field: `evidenceIds[${i}]`, rule: 'must be evidence uploaded to this task of this case', message: 'harus bukti yang diunggah untuk tugas ini pada kasus ini' }]);
    }
    const state = await this.temporal.client.workflow
      .getHandle(c.workflowId)
      .executeUpdate(submitTaskUpdate, { args: [{ taskKey, by: actor.email, evidenceIds: dto.evidenceIds, note: dto.note, checked: dto.checked }] });
    return this.result(state, taskKey);
  }

  /** The unit asks for more working days; the coordinator is told. */
  async requestExtension(caseId: string, taskKey: string, actor: Actor, dto: RequestExtensionDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'task.work');
    const state = await this.handle(c).executeUpdate(requestExtensionUpdate, { args: [{ taskKey, by: actor.email, workingDays: dto.workingDays, reason: dto.reason.trim() }] });
    return this.result(state, taskKey);
  }

  async decideExtension(caseId: string, taskKey: string, actor: Actor, dto: DecideExtensionDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'case.decide');
    const state = await this.handle(c).executeUpdate(decideExtensionUpdate, { args: [{ taskKey, by: actor.email, approve: dto.approve, comment: dto.comment?.trim() || undefined }] });
    return this.result(state, taskKey);
  }

  async waive(caseId: string, taskKey: string, actor: Actor, dto: WaiveTaskDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'case.decide');
    const state = await this.handle(c).executeUpdate(waiveTaskUpdate, { args: [{ taskKey, by: actor.email, reason: dto.reason.trim() }] });
    return this.result(state, taskKey);
  }

  async reassign(caseId: string, taskKey: string, actor: Actor, dto: ReassignTaskDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'case.decide');
    const to = await this.people.byEmail(dto.email);
    if (!to) throw ApiError.invalid([{ field: 'email', rule: 'must be a registered person', message: 'harus orang yang terdaftar di Kawal' }]);
    const state = await this.handle(c).executeUpdate(reassignTaskUpdate, {
      args: [{ taskKey, by: actor.email, to: { email: to.email, name: to.name, locale: to.locale === 'en' ? 'en' : 'id' }, reason: dto.reason?.trim() || undefined }],
    });
    return this.result(state, taskKey);
  }

  async signOff(caseId: string, actor: Actor, dto: SignOffCaseDto): Promise<CaseCommandResultDto> {
    const c = await this.find(caseId);
    await this.assert(c, actor, 'case.decide');
    const state = await this.handle(c).executeUpdate(signOffCaseUpdate, { args: [{ by: actor.email, comment: dto.comment?.trim() || undefined }] });
    return { caseId: state.caseId, caseStatus: state.status, tasks: state.tasks.map(fromWorkflowTask) };
  }

  private handle(c: CaseRow) {
    return this.temporal.client.workflow.getHandle(c.workflowId);
  }

  async review(caseId: string, taskKey: string, actor: Actor, dto: ReviewTaskDto): Promise<TaskCommandResultDto> {
    const c = await this.find(caseId);
    this.assertTaskExists(c, taskKey);
    await this.assert(c, actor, 'task.review');
    const handle = this.temporal.client.workflow.getHandle(c.workflowId);
    const level = dto.level !== undefined ? dto.level - 1 : (c.tasks.find((t) => t.key === taskKey)?.reviewLevel ?? 0);
    const state = await handle.executeUpdate(reviewTaskUpdate, {
      args: [{ taskKey, by: actor.email, decision: dto.decision, level, comment: dto.comment?.trim() || undefined }],
    });
    return this.result(state, taskKey);
  }

  /** Evidence is readable by whoever may see the case: its unit, reviewers and observers above it, the coordinator. */
  async evidenceContent(id: string, actor: Actor): Promise<{ meta: EvidenceDto; stream: Readable }> {
    const row = isUuid(id) ? await this.repo.evidence(id) : null;
    if (!row) throw ApiError.notFound({ id: 'Bukti', en: 'Evidence' }, id);
    const c = await this.find(row.caseId);
    // Someone who may not see the case is not told the evidence exists.
    if (!(await this.access.mayOnCase(actor, 'case.read', { unitId: c.unit.id, coordinatorId: c.programme.coordinatorId }))) throw ApiError.notFound({ id: 'Bukti', en: 'Evidence' }, id);
    return { meta: toEvidenceDto(row), stream: await this.storage.open(row.storageKey) };
  }

  private result(state: CaseState, taskKey: string): TaskCommandResultDto {
    const task = state.tasks.find((t) => t.key === taskKey)!;
    return { caseId: state.caseId, caseStatus: state.status, task: fromWorkflowTask(task) };
  }

  private async find(id: string): Promise<CaseRow> {
    const row = isUuid(id) ? await this.repo.find(id) : null;
    if (!row) throw ApiError.notFound({ id: 'Kasus', en: 'Case' }, id);
    return row;
  }

  private assertTaskExists(c: CaseRow, taskKey: string): void {
    // The stored definition was validated when the template was published; no need to parse it again per command.
    // Recurring tasks appear in the read model as "<key>.<n>".
    const template = c.programme.template.definition as unknown as Pick<TemplateDefinition, 'tasks'>;
    if (!template.tasks.some((t) => t.key === taskKey) && !c.tasks.some((t) => t.key === taskKey)) throw ApiError.notFound({ id: 'Tugas', en: 'Task' }, taskKey);
  }

  private assert(c: CaseRow, actor: Actor, action: CaseAction): Promise<void> {
    return this.access.assertCase(actor, action, { id: c.id, unitId: c.unit.id, unitName: c.unit.name, coordinatorId: c.programme.coordinatorId });
  }
}
