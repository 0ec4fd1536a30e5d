import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ProblemDto } from '../common/problem.dto';
import { CasePageDto, LaunchProgrammeDto, ProgrammeProgressDto, ProgrammeSummaryDto } from './programme.dto';
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
  launch(@Body() dto: LaunchProgrammeDto): Promise<ProgrammeSummaryDto> {
    return this.programmes.launch(dto);
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
}
