import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TEMPLATE_LIST_STATUSES, TemplateCheck, TemplateListStatus, TemplateRow, TemplateVersionRow } from './templates.service';

export const TEMPLATE_STATUSES = ['draft', 'published'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** The template document as it is sent: YAML (application/yaml) or JSON (application/json). */
export const TEMPLATE_DOCUMENT_SCHEMA = {
  description:
    'A template document (the programme template language): key, version, name, phases, tasks, reminders, escalation, signOff, scoring. ' +
    'Send it as JSON (Content-Type: application/json) or as YAML text (Content-Type: application/yaml).',
  schema: {
    type: 'object' as const,
    required: ['key', 'version', 'name', 'tasks'],
    additionalProperties: true,
    properties: {
      key: { type: 'string' as const, example: 'tindak-lanjut-standar-pelayanan', description: 'lower-case kebab-case' },
      version: { type: 'integer' as const, example: 1, minimum: 1 },
      name: { type: 'object' as const, example: { id: 'Tindak Lanjut Standar Pelayanan', en: 'Public Service Standard Follow-up' } },
      tasks: { type: 'array' as const, items: { type: 'object' as const } },
    },
  },
  examples: {
    'one-task': {
      summary: 'A one-task template',
      value: {
        key: 'maklumat-pelayanan',
        version: 1,
        name: { id: 'Maklumat Pelayanan', en: 'Service Charter' },
        tasks: [{ key: 'foto-maklumat', title: { id: 'Foto maklumat pelayanan' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 10 }, evidence: { minItems: 1, kinds: ['photo'] } }],
      },
    },
  },
};

export const statusOf = (t: { publishedAt: Date | null }): TemplateStatus => (t.publishedAt ? 'published' : 'draft');

export class LocalizedTextDto {
  @ApiProperty({ example: 'Tindak Lanjut Standar Pelayanan' }) id!: string;
  @ApiPropertyOptional({ example: 'Public Service Standard Follow-up' }) en?: string;
}

export class TemplateDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'tindak-lanjut-standar-pelayanan' }) key!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'Tindak Lanjut Standar Pelayanan' }) name!: string;
  @ApiProperty({ enum: TEMPLATE_STATUSES, description: 'draft = still editable and never used by programmes; published = immutable' }) status!: TemplateStatus;
  @ApiProperty({ description: 'SHA-256 of the canonical definition' }) checksum!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null while a draft' }) publishedAt!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When this key and version was first stored' }) createdAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The validated definition' }) definition!: unknown;
}

/** A version without its definition (GET /templates/:key/versions). */
export class TemplateVersionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'tindak-lanjut-standar-pelayanan' }) key!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TEMPLATE_STATUSES }) status!: TemplateStatus;
  @ApiProperty({ description: 'SHA-256 of the canonical definition' }) checksum!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TemplateCheckPhaseDto {
  @ApiProperty({ example: 'sosialisasi' }) key!: string;
  @ApiProperty({ type: LocalizedTextDto }) name!: LocalizedTextDto;
  @ApiProperty({ description: 'Tasks in this phase' }) tasks!: number;
}

export class TemplateCheckTaskDto {
  @ApiProperty({ example: 'standar-pelayanan' }) key!: string;
  @ApiProperty({ type: LocalizedTextDto }) title!: LocalizedTextDto;
  @ApiProperty({ type: String, nullable: true }) phase!: string | null;
  @ApiProperty({ example: 'UNIT_HEAD' }) assigneeRole!: string;
  @ApiProperty({ description: 'Review levels a submission passes' }) reviewLevels!: number;
  @ApiProperty({ description: 'Evidence items required to submit' }) minEvidence!: number;
  @ApiProperty() recurring!: boolean;
}

export class TemplateCheckSummaryDto {
  @ApiProperty() phases!: number;
  @ApiProperty() tasks!: number;
  @ApiProperty({ description: 'Review levels over all tasks' }) reviewSteps!: number;
  @ApiProperty({ description: 'Rungs of the reminder ladder' }) reminders!: number;
  @ApiProperty() escalationRungs!: number;
  @ApiProperty() recurringTasks!: number;
  @ApiProperty() signOffRequired!: boolean;
  @ApiProperty({ type: String, nullable: true }) scoringInstrument!: string | null;
}

export class TemplateExistingDto {
  @ApiProperty({ enum: TEMPLATE_STATUSES }) status!: TemplateStatus;
  @ApiProperty() checksum!: string;
  @ApiProperty({ description: 'The stored version has exactly this content (publishing again would be a no-op)' }) identical!: boolean;
}

/** The outcome of POST /templates/validate (a dry run: nothing is stored). */
export class TemplateCheckDto {
  @ApiProperty({ enum: [true] }) valid!: true;
  @ApiProperty({ example: 'tindak-lanjut-standar-pelayanan' }) key!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ type: LocalizedTextDto }) name!: LocalizedTextDto;
  @ApiProperty({ description: 'SHA-256 the version would be stored with' }) checksum!: string;
  @ApiProperty({ type: [TemplateCheckPhaseDto] }) phases!: TemplateCheckPhaseDto[];
  @ApiProperty({ type: [TemplateCheckTaskDto] }) tasks!: TemplateCheckTaskDto[];
  @ApiProperty({ type: TemplateCheckSummaryDto }) summary!: TemplateCheckSummaryDto;
  @ApiProperty({
    type: TemplateExistingDto,
    nullable: true,
    description: 'What is stored under this key and version now (null = nothing): a published version with other content would make publishing fail with 409',
  })
  existing!: TemplateExistingDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The definition with defaults filled in, as it would be stored' }) definition!: unknown;
}

export class TemplateListQueryDto {
  @ApiPropertyOptional({
    enum: TEMPLATE_LIST_STATUSES,
    default: 'published',
    description: 'published = the latest published version of each key; draft = every draft (template authors only); all = both (drafts only for template authors)',
  })
  @IsOptional()
  @IsIn(TEMPLATE_LIST_STATUSES)
  status?: TemplateListStatus;
}

export const toTemplateVersionDto = (t: TemplateVersionRow): TemplateVersionDto => ({
  id: t.id,
  key: t.key,
  version: t.version,
  name: t.name,
  status: statusOf(t),
  checksum: t.checksum,
  publishedAt: t.publishedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

export const toTemplateDto = (t: TemplateRow): TemplateDto => ({ ...toTemplateVersionDto(t), definition: t.definition });

export const toTemplateCheckDto = (c: TemplateCheck): TemplateCheckDto => c as TemplateCheckDto;
