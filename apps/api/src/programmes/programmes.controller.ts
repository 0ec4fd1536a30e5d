import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProblemDto } from '../common/problem.dto';
import { requestLocale } from '../common/locale';
import {
  CSV_MEDIA_TYPE,
  CaseListQueryDto,
  CasePageDto,
  ExportFormat,
  ExportQueryDto,
  JoinUnitsDto,
  LaunchProgrammeDto,
  NextCycleDto,
  ProgrammeActionDto,
  ProgrammeActionResultDto,
  ProgrammeListQueryDto,
  ProgrammePageDto,
  ProgrammeProgressDto,
  ProgrammeSummaryDto,
  XLSX_MEDIA_TYPE,
} from './programme.dto';
import { Actor, CurrentActor } from '../auth/actor';
import { ProgrammesService } from './programmes.service';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'Programme id' } as const;
const HIDDEN = 'Unknown programme, or one the person may not see (its existence is not revealed)';
/** Errors of a file download are still problem documents (@ApiProduces would otherwise give them the file types). */
const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };

/** The format asked for: the query parameter, else the Accept header, else CSV. */
function exportFormat(query: ExportFormat | undefined, accept: string | undefined): ExportFormat {
  if (query) return query;
  const a = (accept ?? '').toLowerCase();
  if (a.includes(XLSX_MEDIA_TYPE)) return 'xlsx';
  return 'csv';
}

/** A header-safe quoted file name (the slug is ASCII already; this only guards against quotes). */
const attachment = (filename: string) => `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`;

@ApiTags('programmes')
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Post()
  @ApiOperation({
    summary: 'Launch a programme from a template for many units; each unit gets a case workflow',
    description:
      'Units are given either as `unitCodes` or as a `unitSelector` (`under`: every unit in the subtree of a unit, not itself; `kind`; `codes`; all criteria given must hold), ' +
      'exactly one of the two, at most 100,000 units. The coordinator (the person launching, or the one an administrator names) must hold COORDINATOR or ADMIN over every selected unit.',
  })
  @ApiCreatedResponse({ type: ProgrammeSummaryDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid input: both or neither of unitCodes/unitSelector, an unknown unit code, an empty or too large selection, ... (the field is named)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'The person may not launch, may not name another coordinator, or the coordinator has no authority over some of the units' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'Unknown template' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'Temporal unreachable; nothing was saved' })
  launch(@Body() dto: LaunchProgrammeDto, @CurrentActor() actor: Actor): Promise<ProgrammeSummaryDto> {
    return this.programmes.launch(dto, actor);
  }

  @Get()
  @ApiOperation({
    summary: 'The programmes the person may see, newest first, a page at a time (cursor)',
    description: 'Their own as coordinator, and those with a case under a unit where they are ADMIN, COORDINATOR or OBSERVER (everything for a grant without a unit). Filters: status, q (name contains, case-insensitive).',
  })
  @ApiOkResponse({ type: ProgrammePageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid filter, limit or cursor (the field is named)' })
  list(@CurrentActor() actor: Actor, @Query() query: ProgrammeListQueryDto): Promise<ProgrammePageDto> {
    return this.programmes.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Programme progress: cases by status, tasks by state, % approved, overdue cases and tasks, and the same per parent unit (kecamatan)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ProgrammeProgressDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: HIDDEN })
  progress(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<ProgrammeProgressDto> {
    return this.programmes.progress(id, actor);
  }

  @Get(':id/cases')
  @ApiOperation({ summary: 'The cases of a programme with their task states, ordered by unit code, a page at a time (cursor); filters overdue, status, parentCode' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CasePageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid filter, limit or cursor (the field is named)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: HIDDEN })
  cases(@Param('id') id: string, @CurrentActor() actor: Actor, @Query() query: CaseListQueryDto): Promise<CasePageDto> {
    return this.programmes.cases(id, actor, query);
  }

  @Get(':id/export')
  @ApiOperation({
    summary: 'The programme report as a file: CSV (one row per unit) or XLSX (summary with a per-parent breakdown, units, unit x task)',
    description:
      'Format from `?format=csv|xlsx`, else from the Accept header (text/csv or the XLSX media type), else CSV. Labels in Bahasa Indonesia, or English with Accept-Language: en. ' +
      'The file is named `<programme-name-slug>-<YYYY-MM-DD>.csv|xlsx`. The approved counts include waived tasks, as on the dashboard.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({ name: 'Accept-Language', required: false, description: 'en for English labels; Bahasa Indonesia otherwise' })
  @ApiProduces(CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)
  @ApiOkResponse({
    description: 'The report file, sent as an attachment (Content-Disposition: attachment; filename="<slug>-<YYYY-MM-DD>.csv|xlsx")',
    content: {
      [CSV_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary', description: 'UTF-8 with a BOM, CRLF, RFC 4180 quoting; one header row and one row per unit' } },
      [XLSX_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary', description: 'Workbook with the sheets Ringkasan/Summary, Unit/Units and Tugas/Tasks' } },
    },
    headers: { 'Content-Disposition': { description: 'attachment; filename="<slug>-<YYYY-MM-DD>.csv|xlsx"', schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ description: 'Unknown format (the field is named)', content: PROBLEM_CONTENT })
  @ApiNotFoundResponse({ description: HIDDEN, content: PROBLEM_CONTENT })
  async export(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
    @Query() query: ExportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.programmes.export(id, actor, exportFormat(query.format, req.headers.accept), requestLocale(req));
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(file.body, { type: file.contentType, disposition: attachment(file.filename), length: file.body.length });
  }

  @Post(':id/actions')
  @HttpCode(202)
  @ApiOperation({ summary: 'A bulk action on the programme (extend, suspend, resume, remind, cancel, close, migrate), with a reason; fanned out to every case in batches' })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: ProgrammeActionResultDto, description: 'Accepted by the programme workflow; progress shows how many cases it reached' })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'The person may read the programme but is not its coordinator (nor an administrator over it)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: HIDDEN })
  @ApiConflictResponse({ type: ProblemDto, description: 'Makes no sense now (e.g. resume when not suspended, or the programme is closed)' })
  action(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: ProgrammeActionDto): Promise<ProgrammeActionResultDto> {
    return this.programmes.action(id, actor, dto);
  }

  @Post(':id/next-cycle')
  @ApiOperation({
    summary: 'Launch the next cycle of a repeating programme (e.g. next year\'s MoU follow-up): same units, the latest template version',
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: ProgrammeSummaryDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: HIDDEN })
  @ApiConflictResponse({ type: ProblemDto, description: 'The template does not repeat, or the next cycle was already launched' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  nextCycle(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: NextCycleDto): Promise<ProgrammeSummaryDto> {
    return this.programmes.nextCycle(id, actor, dto);
  }

  @Post(':id/units')
  @HttpCode(200)
  @ApiOperation({ summary: 'Units joining a running programme late; their deadlines count from the day they join' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ProgrammeSummaryDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Unknown unit code, or a unit already taking part (the field is named)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'The person may read the programme but is not its coordinator (nor an administrator over it)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: HIDDEN })
  @ApiConflictResponse({ type: ProblemDto, description: 'The programme is closed' })
  join(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: JoinUnitsDto): Promise<ProgrammeSummaryDto> {
    return this.programmes.join(id, actor, dto);
  }
}
