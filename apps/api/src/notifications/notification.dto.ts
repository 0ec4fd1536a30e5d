import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorPageQueryDto, PageRules } from '../common/pagination';

export const NOTIFICATION_STATUSES = ['PENDING', 'SENT', 'FAILED', 'DEAD', 'DEFERRED', 'DIGEST', 'DIGESTED'] as const;

export const NOTIFICATIONS_PAGE: PageRules = { cursorMaxLength: 500, maxLimit: 500, defaultLimit: 50 };

export class NotificationQueryDto extends CursorPageQueryDto(NOTIFICATIONS_PAGE) {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES, description: 'FAILED = being retried; DEAD = given up on; DEFERRED = waiting for the recipient\'s working hours; DIGEST = waiting for their daily digest; DIGESTED = went out inside a digest' })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: (typeof NOTIFICATION_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only emails to this address' })
  @IsOptional()
  @IsEmail()
  recipient?: string;

  @ApiPropertyOptional({ example: 'reminder', description: 'Only this kind of message' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  kind?: string;
}

export class NotificationDto {
  @ApiProperty() id!: string;
  @ApiProperty() recipient!: string;
  @ApiProperty({ example: 'reminder' }) kind!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: ['id', 'en'] }) locale!: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, description: 'Why the last attempt failed' }) lastError!: string | null;
  @ApiProperty({ nullable: true, description: 'Message-ID the SMTP server accepted' }) messageId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'DEFERRED and DIGEST: when it will go out' }) notBefore!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'DIGESTED: the digest that carried it' }) digestKey!: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty({ nullable: true, description: 'Pass as ?cursor= for the next (older) page; null on the last page' }) nextCursor!: string | null;
}
