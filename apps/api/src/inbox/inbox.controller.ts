import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../auth/actor';
import { ProblemDto } from '../common/problem.dto';
import { InboxPageDto, InboxQueryDto } from './inbox.dto';
import { InboxService } from './inbox.service';

@ApiTags('inbox')
@Controller('me')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get('tasks')
  @ApiOperation({
    summary: 'My tasks: what I am expected to do next (work, review, decide), soonest due first',
    description: 'Filterable by programme, due date and overdue; a page at a time with a stable cursor.',
  })
  @ApiOkResponse({ type: InboxPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  list(@CurrentActor() actor: Actor, @Query() q: InboxQueryDto): Promise<InboxPageDto> {
    return this.inbox.list(actor, q);
  }
}
