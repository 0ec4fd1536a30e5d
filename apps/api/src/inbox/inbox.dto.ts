import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { CursorPageQueryDto, PageRules } from '../common/pagination';

export const INBOX_ACTIONS = ['work', 'review', 'decide'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export const INBOX_PAGE: PageRules = { cursorMaxLength: 300, maxLimit: 200, defaultLimit: 50 };

export class InboxQueryDto extends CursorPageQueryDto(INBOX_PAGE) {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only tasks of this programme' })
  @IsOptional()
  @IsUUID()
  programmeId?: string;

  @ApiPropertyOptional({ example: '2027-03-31', description: 'Only tasks due on or before this local date' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'true: only overdue tasks; false: only tasks not overdue' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ enum: INBOX_ACTIONS, description: 'work: tasks to do; review: submissions to review; decide: extension requests to decide' })
  @IsOptional()
  @IsIn(INBOX_ACTIONS)
  action?: InboxAction;
}

export class InboxItemDto {
  @ApiProperty({ enum: INBOX_ACTIONS, description: 'What the person is expected to do' }) action!: InboxAction;
  @ApiProperty() caseId!: string;
  @ApiProperty() programmeId!: string;
  @ApiProperty() programmeName!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty({ example: 'Asia/Makassar' }) timeZone!: string;
  @ApiProperty() taskKey!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['OPEN', 'RETURNED', 'SUBMITTED', 'IN_REVIEW'] }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: '2027-03-17', description: 'Local due date in the unit\'s time zone' }) dueDate!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ description: 'Escalation rungs fired since the deadline last moved' }) escalationLevel!: number;
  @ApiProperty({ description: 'The review level waiting (1-based) for review items' }) reviewLevel!: number;
  @ApiProperty({ type: String, nullable: true }) lastComment!: string | null;
}

export class InboxPageDto {
  @ApiProperty({ type: [InboxItemDto] }) items!: InboxItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' }) nextCursor!: string | null;
}
