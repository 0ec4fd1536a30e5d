import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, Validate, ValidateNested } from 'class-validator';
import { CaseTaskDto, IsLocalDateConstraint } from '../programmes/programme.dto';
import { CaseScoreDto, DesignationDto } from '../scores/score.dto';

export class EvidenceDto {
  @ApiProperty() id!: string;
  @ApiProperty() taskKey!: string;
  @ApiProperty({ description: 'Shared by every version of one document (the id of its first version)' }) lineageId!: string;
  @ApiProperty({ description: '1 for the first upload; each replacement adds one' }) version!: number;
  @ApiProperty({ description: 'Hex SHA-256 of the content' }) sha256!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ example: 'application/pdf', description: 'Detected from the content' }) mediaType!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() createdAt!: string;
}

export class CaseDetailDto {
  @ApiProperty() id!: string;
  @ApiProperty() programmeId!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty({ enum: ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] }) status!: string;
  @ApiProperty() version!: number;
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [CaseTaskDto] }) tasks!: CaseTaskDto[];
  @ApiProperty({ type: [EvidenceDto] }) evidence!: EvidenceDto[];
  @ApiProperty({ type: CaseScoreDto, nullable: true, description: "The case's score, zone and category under the template's instrument, and what is still missing for the next category; null when the template scores nothing" })
  score!: CaseScoreDto | null;
  @ApiProperty({ type: DesignationDto, nullable: true, description: 'The designation the template grants (e.g. Kelurahan Bebas Maladministrasi); null when it has none' })
  designation!: DesignationDto | null;
}

export class SubmitTaskDto {
  @ApiProperty({ type: [String], description: 'Ids of evidence uploaded to this task' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds!: string[];

  @ApiPropertyOptional({ description: 'A note for the reviewer' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ type: [String], description: 'Keys of the checklist items ticked; every required item must be ticked' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  checked?: string[];
}

export class RequestExtensionDto {
  @ApiProperty({ description: 'Working days (hari kerja) to add to the current due date', minimum: 1, maximum: 60 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  workingDays!: number;

  @ApiProperty({ description: 'Why more time is needed' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class DecideExtensionDto {
  @ApiProperty({ description: 'true grants the requested working days; false refuses (a comment is then required)' })
  @IsBoolean()
  approve!: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class WaiveTaskDto {
  @ApiProperty({ description: 'Why the unit is released from this task' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class ReassignTaskDto {
  @ApiProperty({ description: 'A registered person who will do the task and receive its reminders' })
  @IsEmail()
  email!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class SignOffCaseDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ReviewTaskDto {
  @ApiProperty({ enum: ['approve', 'return'] })
  @IsIn(['approve', 'return'])
  decision!: 'approve' | 'return';

  @ApiPropertyOptional({ description: 'Required when returning: what to fix' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  @ApiPropertyOptional({ description: 'The review level (1-based) being decided; guards against deciding twice. Defaults to the current level.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  level?: number;
}

export class TaskCommandResultDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ enum: ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] }) caseStatus!: string;
  @ApiProperty({ type: CaseTaskDto }) task!: CaseTaskDto;
}

export class CaseCommandResultDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ enum: ['ACTIVE', 'COMPLETED', 'SIGNED_OFF', 'CANCELLED'] }) caseStatus!: string;
  @ApiProperty({ type: [CaseTaskDto] }) tasks!: CaseTaskDto[];
}

/** Text that is more than spaces. */
const NOT_BLANK = /\S/;

export class RevokeDesignationDto {
  @ApiProperty({ description: 'Why the designation is revoked (the upheld report)', example: 'Laporan pungutan liar dalam pelayanan surat keterangan terbukti' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be empty or only spaces' })
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'The report behind it, e.g. the Ombudsman LAHP number', example: 'LAHP 0012/LM/XI/2026/BJM' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reference?: string;
}

export class FollowUpItemDto {
  @ApiProperty({ example: 'Lengkapi standar pelayanan dengan komponen biaya/tarif', description: 'The rapor note, as a task' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'title must not be empty or only spaces' })
  @MaxLength(300)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ description: 'A registered person who owns the follow-up; default: the unit heads' })
  @IsOptional()
  @IsEmail()
  ownerEmail?: string;

  @ApiPropertyOptional({ example: '2027-02-26', description: 'Local due date (moved to the next working day); or give workingDays' })
  @IsOptional()
  @Validate(IsLocalDateConstraint)
  dueDate?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: "Working days from today; default: the template's followUps.defaultWorkingDays" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  workingDays?: number;
}

export class AddFollowUpsDto {
  @ApiProperty({ example: 'Rapor Ombudsman RI 2024', description: 'Where the notes come from' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'source must not be empty or only spaces' })
  @MaxLength(300)
  source!: string;

  @ApiProperty({ type: [FollowUpItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FollowUpItemDto)
  items!: FollowUpItemDto[];
}
