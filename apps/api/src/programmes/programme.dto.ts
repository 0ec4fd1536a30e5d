import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
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

  @ApiProperty({ example: 'organisasi@banjarbarukota.go.id', description: 'A person holding the COORDINATOR (or ADMIN) role' })
  @IsEmail()
  coordinatorEmail!: string;
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
