import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate, ValidateNested, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isLocalDate } from '@kawal/domain';

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

  @ApiProperty({ type: [String], example: ['63.72.01.1001', '63.72.01.1002'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_UNITS_PER_LAUNCH)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^\d{2}(\.[0-9A-Z][0-9A-Z-]{0,19}){0,4}$/, { each: true, message: 'each unit code must be a Kemendagri code such as 63.72.01.1001' })
  unitCodes!: string[];

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
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_UNITS_PER_LAUNCH)
  @ArrayUnique()
  @Matches(UNIT_CODE, { each: true, message: 'each unit code must be a Kemendagri code such as 63.72.01.1001' })
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
  @ApiProperty({ type: [String], example: ['63.72.01.1007'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_UNITS_PER_LAUNCH)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(UNIT_CODE, { each: true, message: 'each unit code must be a Kemendagri code such as 63.72.01.1001' })
  unitCodes!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ProgrammeSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['RUNNING', 'SUSPENDED', 'COMPLETED', 'CANCELLED'] }) status!: string;
  @ApiProperty() templateKey!: string;
  @ApiProperty() templateVersion!: number;
  @ApiProperty({ example: '2027-01-04' }) startDate!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty() caseCount!: number;
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
}

export class CaseSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty({ enum: ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] }) status!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [CaseTaskDto] }) tasks!: CaseTaskDto[];
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items!: CaseSummaryDto[];
  @ApiProperty({ nullable: true, description: 'Pass as ?cursor= to get the next page; null on the last page' }) nextCursor!: string | null;
}
