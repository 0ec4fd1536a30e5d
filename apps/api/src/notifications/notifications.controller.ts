import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../auth/actor';
import { ProblemDto } from '../common/problem.dto';
import { NotificationPageDto, NotificationQueryDto } from './notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'The notification log: every email, to whom, when, its SMTP message id, and what failed (coordinators and admins)' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  list(@CurrentActor() actor: Actor, @Query() query: NotificationQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(actor, query);
  }
}
