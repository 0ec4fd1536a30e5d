import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ProblemDto } from '../common/problem.dto';
import { CasePageDto, JoinUnitsDto, LaunchProgrammeDto, ProgrammeActionDto, ProgrammeActionResultDto, ProgrammeProgressDto, ProgrammeSummaryDto } from './programme.dto';
import { Actor, CurrentActor } from '../auth/actor';
import { ProgrammesService } from './programmes.service';

class PageQueryDto {
  @IsOptional() @IsString() @MaxLength(500) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

@ApiTags('programmes')
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Post()
  @ApiOperation({ summary: 'Launch a programme from a template for many units; each unit gets a case workflow' })
  @ApiCreatedResponse({ type: ProgrammeSummaryDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'Unknown template' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'Temporal unreachable; nothing was saved' })
  launch(@Body() dto: LaunchProgrammeDto, @CurrentActor() actor: Actor): Promise<ProgrammeSummaryDto> {
    return this.programmes.launch(dto, actor);
  }

  @Get()
  @ApiOkResponse({ type: [ProgrammeSummaryDto] })
  list(): Promise<ProgrammeSummaryDto[]> {
    return this.programmes.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Programme progress: cases by status, tasks by state, % approved, overdue cases' })
  @ApiOkResponse({ type: ProgrammeProgressDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  progress(@Param('id') id: string): Promise<ProgrammeProgressDto> {
    return this.programmes.progress(id);
  }

  @Get(':id/cases')
  @ApiOperation({ summary: 'The cases of a programme with their task states, a page at a time (cursor)' })
  @ApiOkResponse({ type: CasePageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  cases(@Param('id') id: string, @Query() page: PageQueryDto): Promise<CasePageDto> {
    return this.programmes.cases(id, page.cursor, page.limit ?? 50);
  }

  @Post(':id/actions')
  @HttpCode(202)
  @ApiOperation({ summary: 'A bulk action on the programme (extend, suspend, resume, remind, cancel, close, migrate), with a reason; fanned out to every case in batches' })
  @ApiOkResponse({ type: ProgrammeActionResultDto, description: 'Accepted by the programme workflow; progress shows how many cases it reached' })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Makes no sense now (e.g. resume when not suspended, or the programme is closed)' })
  action(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: ProgrammeActionDto): Promise<ProgrammeActionResultDto> {
    return this.programmes.action(id, actor, dto);
  }

  @Post(':id/units')
  @HttpCode(200)
  @ApiOperation({ summary: 'Units joining a running programme late; their deadlines count from the day they join' })
  @ApiOkResponse({ type: ProgrammeSummaryDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The programme is closed' })
  join(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: JoinUnitsDto): Promise<ProgrammeSummaryDto> {
    return this.programmes.join(id, actor, dto);
  }
}
