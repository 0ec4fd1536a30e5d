import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class AuditPageQueryDto {
  @ApiPropertyOptional({ description: 'Only events after this position in the chain (the last seq of the previous page)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AuditEventDto {
  @ApiProperty({ description: 'Position in the chain, from 1' }) seq!: number;
  @ApiProperty({ example: '2027-03-17T01:02:03.456Z' }) at!: string;
  @ApiProperty({ description: 'Who: an email, or "system" / "clock"' }) actor!: string;
  @ApiProperty({ example: 'task.returned' }) action!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why' }) reason!: string | null;
  @ApiProperty({ nullable: true, description: 'State before', type: 'object', additionalProperties: true }) before!: unknown;
  @ApiProperty({ nullable: true, description: 'State after', type: 'object', additionalProperties: true }) after!: unknown;
  @ApiProperty({ type: String, nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, nullable: true }) programmeId!: string | null;
  @ApiProperty({ description: 'SHA-256 over the previous hash and every field of this event' }) hash!: string;
  @ApiProperty({ type: String, nullable: true }) prevHash!: string | null;
}

export class ChainVerificationDto {
  @ApiProperty({ example: 'case:7f1c…' }) chain!: string;
  @ApiProperty() length!: number;
  @ApiProperty({ description: 'false when an event was changed, removed or re-ordered after it was written' }) valid!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'The first position that does not verify' }) brokenAt!: number | null;
  @ApiProperty({ type: String, nullable: true }) problem!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Hash of the last event: keep it elsewhere to detect a rewrite of the whole chain' }) headHash!: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: ChainVerificationDto }) verification!: ChainVerificationDto;
  @ApiProperty({ type: [AuditEventDto] }) events!: AuditEventDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as afterSeq for the next page; null on the last page' }) nextAfterSeq!: number | null;
}
