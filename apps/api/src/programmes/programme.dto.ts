import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate, ValidateNested, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isLocalDate } from '@kawal/domain';
import { CursorPageQueryDto, PageRules } from '../common/pagination';
import { UNIT_KINDS, UnitKind } from '../units/unit.dto';

@ValidatorConstraint({ name: 'isLocalDate' })
export class IsLocalDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isLocalDate(value);
  }
  defaultMessage(): string {
    return '$property must be a real calendar date in the form YYYY-MM-DD';
  }
}

export const MAX_UNITS_PER_LAUNCH = 100_000;
const UNIT_CODE = /^\d{2}(\.[0-9A-Z][0-9A-Z-]{0,19}){0,4}$/;

/** A list of unit codes: 1 to MAX_UNITS_PER_LAUNCH distinct Kemendagri codes (the same rule everywhere units are named). */
const UnitCodeList = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_UNITS_PER_LAUNCH),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(UNIT_CODE, { each: true, message: 'each unit code must be a Kemendagri code such as 63.72.04.1001' }),
  );

export class HolidayNameDto {
  @ApiProperty({ example: 'Hari Jadi Kota Banjarbaru' }) @IsString() @IsNotEmpty() @MaxLength(200) id!: string;
  @ApiPropertyOptional({ example: 'Banjarbaru City Anniversary' }) @IsOptional() @IsString() @MaxLength(200) en?: string;
}

export class LocalHolidayDto {
  @ApiProperty({ example: '2027-04-20', description: 'Local date (YYYY-MM-DD)' })
  @Validate(IsLocalDateConstraint)
  date!: string;

  @ApiProperty({ type: HolidayNameDto })
  @ValidateNested()
  @Type(() => HolidayNameDto)
  name!: HolidayNameDto;
}

/** Units chosen by a rule instead of a list: every unit matching all the criteria given (at least one). */
export class UnitSelectorDto {
  @ApiPropertyOptional({ example: '63.72', description: 'A unit code: every unit in its subtree (children, grandchildren, ...), not the unit itself' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_CODE, { message: 'under must be a Kemendagri code such as 63.72' })
  under?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS, example: 'KELURAHAN', description: 'Only units of this kind' })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  @ApiPropertyOptional({ type: [String], example: ['63.72.04.1001'], description: 'Only these units' })
  @IsOptional()
  @UnitCodeList()
  codes?: string[];
}

export class LaunchProgrammeDto {
  @ApiProperty({ example: 'Kelurahan Bebas Maladministrasi Banjarbaru 2027' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'tindak-lanjut-standar-pelayanan' })
  @IsString()
  @IsNotEmpty()
  templateKey!: string;

  @ApiPropertyOptional({ description: 'Defaults to the latest published version' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  templateVersion?: number;

  @ApiProperty({ example: '2027-01-04', description: 'Local start date (YYYY-MM-DD); counting starts on the first working day on or after it' })
  @Validate(IsLocalDateConstraint)
  startDate!: string;

  @ApiPropertyOptional({ type: [String], example: ['63.72.04.1001', '63.72.04.1002'], description: 'The units, by code. Give exactly one of unitCodes and unitSelector.' })
  @IsOptional()
  @UnitCodeList()
  unitCodes?: string[];

  @ApiPropertyOptional({
    type: () => UnitSelectorDto,
    example: { under: '63.72', kind: 'KELURAHAN' },
    description: `The units, by a rule: every unit matching all the criteria given. Give exactly one of unitCodes and unitSelector; at most ${MAX_UNITS_PER_LAUNCH} units.`,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UnitSelectorDto)
  unitSelector?: UnitSelectorDto;

  @ApiPropertyOptional({
    example: 'organisasi@banjarbarukota.go.id',
    description: 'The coordinator, when an administrator launches on someone else\'s behalf; defaults to the person launching. Must hold COORDINATOR or ADMIN over every selected unit.',
  })
  @IsOptional()
  @IsEmail()
  coordinatorEmail?: string;

  @ApiPropertyOptional({ type: [LocalHolidayDto], description: 'Local holidays the programme adds to the national holidays and cuti bersama' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LocalHolidayDto)
  localHolidays?: LocalHolidayDto[];
}

export const PROGRAMME_ACTIONS = ['extend', 'suspend', 'resume', 'remind', 'cancel', 'close', 'migrate'] as const;

export class ProgrammeActionDto {
  @ApiProperty({ enum: PROGRAMME_ACTIONS, description: 'extend deadlines; suspend/resume the clock (deadlines shift by the working days suspended); remind now; cancel; close (completes the programme); migrate running cases to a newer template version' })
  @IsIn(PROGRAMME_ACTIONS)
  kind!: (typeof PROGRAMME_ACTIONS)[number];

  @ApiProperty({ description: 'Why; recorded in every case\'s audit trail and told to the units' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'extend: working days to add to every open deadline', minimum: 1, maximum: 120 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(120)
  workingDays?: number;

  @ApiPropertyOptional({ type: [String], description: 'extend, remind, migrate: only these units (default: all)' })
  @IsOptional()
  @UnitCodeList()
  unitCodes?: string[];

  @ApiPropertyOptional({ type: [String], description: 'extend: only these tasks (default: all open tasks)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  taskKeys?: string[];

  @ApiPropertyOptional({ description: 'migrate: the published template version to move to' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  templateVersion?: number;
}

export class ProgrammeActionResultDto {
  @ApiProperty() actionId!: string;
  @ApiProperty({ enum: PROGRAMME_ACTIONS }) kind!: string;
  @ApiProperty() by!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() at!: string;
}

export class JoinUnitsDto {
  @ApiProperty({ type: [String], example: ['63.72.04.1004'] })
  @UnitCodeList()
  unitCodes!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export const PROGRAMME_STATUSES = ['RUNNING', 'SUSPENDED', 'COMPLETED', 'CANCELLED'] as const;
export const CASE_STATUSES = ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] as const;

export class ProgrammeSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PROGRAMME_STATUSES }) status!: string;
  @ApiProperty() templateKey!: string;
  @ApiProperty() templateVersion!: number;
  @ApiProperty({ example: '2027-01-04' }) startDate!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty() caseCount!: number;
  @ApiProperty({ example: 'organisasi@banjarbarukota.go.id', description: 'Email of the programme coordinator' }) coordinatorEmail!: string;
  @ApiProperty({ example: '2027-01-03T01:15:00.000Z', description: 'When the programme was launched (UTC)' }) createdAt!: string;
  @ApiProperty({ example: 1, description: "Cycle number: 1 for a first launch, 2 for the template's next cycle (e.g. the next year), ..." }) cycle!: number;
  @ApiProperty({ nullable: true, format: 'uuid', description: 'The programme this cycle follows' }) previousProgrammeId!: string | null;
}

export class NextCycleDto {
  @ApiPropertyOptional({ example: '2028-01-03', description: "Local start date of the next cycle; default: this one's start plus the template's cycle.everyMonths" })
  @IsOptional()
  @Validate(IsLocalDateConstraint)
  startDate?: string;

  @ApiPropertyOptional({ example: 'Tindak Lanjut MoU Ombudsman 2028', description: 'Default: the name with its year moved on, or "(siklus N)" added' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}

/** The programme list and a programme's case list page alike. */
export const PROGRAMMES_PAGE: PageRules = { cursorMaxLength: 500, maxLimit: 500, defaultLimit: 50 };

export class ProgrammeListQueryDto extends CursorPageQueryDto(PROGRAMMES_PAGE) {
  @ApiPropertyOptional({ enum: PROGRAMME_STATUSES, description: 'Only programmes in this status' })
  @IsOptional()
  @IsIn(PROGRAMME_STATUSES)
  status?: (typeof PROGRAMME_STATUSES)[number];

  @ApiPropertyOptional({ example: 'banjarbaru', description: 'Only programmes whose name contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;
}

export class ProgrammePageDto {
  @ApiProperty({ type: [ProgrammeSummaryDto], description: 'Newest first' }) items!: ProgrammeSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next (older) page; null on the last page' }) nextCursor!: string | null;
}

export class CaseListQueryDto extends CursorPageQueryDto(PROGRAMMES_PAGE) {
  @ApiPropertyOptional({ description: 'true: only cases with an overdue task (not yet approved or waived); false: only cases without one' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ enum: CASE_STATUSES, description: 'Only cases in this status' })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: (typeof CASE_STATUSES)[number];

  @ApiPropertyOptional({ example: '63.72.04', description: 'Only cases of units directly under this unit (e.g. the kelurahan of a kecamatan)' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_CODE, { message: 'parentCode must be a Kemendagri code such as 63.72.04' })
  parentCode?: string;
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_MEDIA_TYPE = 'text/csv';

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', description: 'File format; without it, an Accept header of text/csv or the XLSX media type decides, else CSV' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class TaskCountsDto {
  @ApiProperty() BLOCKED!: number;
  @ApiProperty() OPEN!: number;
  @ApiProperty() SUBMITTED!: number;
  @ApiProperty() IN_REVIEW!: number;
  @ApiProperty() RETURNED!: number;
  @ApiProperty() APPROVED!: number;
  @ApiProperty() WAIVED!: number;
}

export class ProgrammeProgressDto extends ProgrammeSummaryDto {
  @ApiProperty({ description: 'Cases whose workflow has written its first state' }) casesStarted!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { ACTIVE: 18, COMPLETED: 2 } }) casesByStatus!: Record<string, number>;
  @ApiProperty({ type: TaskCountsDto }) tasksByState!: TaskCountsDto;
  @ApiProperty() taskCount!: number;
  @ApiProperty({ description: 'Approved or waived tasks as a percentage of all tasks (0-100, 2 decimals)' }) percentApproved!: number;
  @ApiProperty({ description: 'Cases with at least one overdue task' }) overdueCases!: number;
  @ApiProperty({ description: 'Tasks past their deadline and not yet approved or waived' }) overdueTasks!: number;
  @ApiProperty({ type: () => [ParentBreakdownDto], description: 'The same figures per parent unit (the kecamatan of each kelurahan), ordered by parent code; units without a parent last' })
  breakdown!: ParentBreakdownDto[];
}

export class ParentBreakdownDto {
  @ApiProperty({ type: String, nullable: true, example: '63.72.04', description: 'Code of the parent of the case units; null for units without a parent' }) parentCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Banjarbaru Utara' }) parentName!: string | null;
  @ApiProperty({ description: 'Cases of units under this parent' }) cases!: number;
  @ApiProperty({ description: 'Tasks of those cases' }) tasks!: number;
  @ApiProperty() approved!: number;
  @ApiProperty() waived!: number;
  @ApiProperty({ description: 'Tasks past their deadline and not yet approved or waived' }) overdueTasks!: number;
  @ApiProperty({ description: 'Cases with at least one overdue task' }) overdueCases!: number;
  @ApiProperty({ description: 'Approved or waived tasks as a percentage of the tasks (0-100, 2 decimals; 0 without tasks)' }) percentApproved!: number;
}

export class CaseTaskDto {
  @ApiProperty() key!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['BLOCKED', 'OPEN', 'SUBMITTED', 'IN_REVIEW', 'RETURNED', 'APPROVED', 'WAIVED'] }) state!: string;
  @ApiProperty({ example: '2027-01-18', nullable: true, description: 'Local due date in the unit time zone; null while the task waits on a phase or another task' }) dueDate!: string | null;
  @ApiProperty({ nullable: true, description: 'End of the local due day, UTC' }) dueAt!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ description: 'Escalation rungs fired since the deadline last moved (0 = not escalated)' }) escalationLevel!: number;
  @ApiProperty({ description: 'Review level now deciding, 1-based (0 when not in review)' }) reviewLevel!: number;
  @ApiProperty({ nullable: true }) lastComment!: string | null;
  @ApiProperty({ nullable: true, description: 'Phase the task belongs to' }) phase!: string | null;
  @ApiProperty({ nullable: true, description: 'Email of the person the task was reassigned to; null = the unit heads' }) assigneeEmail!: string | null;
  @ApiProperty({ description: 'Whether an extension request awaits a decision' }) extensionRequested!: boolean;
  @ApiProperty({ nullable: true, description: 'The scoring component (dimension, aspect) the task counts toward' }) component!: string | null;
  @ApiProperty({ nullable: true, description: 'For a follow-up added to the case: {source, addedBy, description}' }) followUp!: { source: string; addedBy: string; description?: string } | null;
}

export class CaseSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty({ enum: ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] }) status!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty({ type: String, nullable: true, example: '63.72.04', description: 'Code of the unit\'s parent (e.g. its kecamatan)' }) parentCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Banjarbaru Utara' }) parentName!: string | null;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: Number, nullable: true, example: 75.5, description: "Score under the template's instrument; null when it scores nothing" }) score!: number | null;
  @ApiProperty({ type: String, nullable: true, enum: ['green', 'yellow', 'red'] }) scoreZone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'B' }) scoreCategory!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['pending', 'granted', 'revoked'], description: "The template's designation, if it has one" }) designation!: string | null;
  @ApiProperty({ type: [CaseTaskDto] }) tasks!: CaseTaskDto[];
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items!: CaseSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= to get the next page; null on the last page' }) nextCursor!: string | null;
}
