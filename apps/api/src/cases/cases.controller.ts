import { Body, Controller, Get, HttpCode, Param, Post, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ActorEmail, ApiActorHeader } from '../common/actor';
import { ProblemDto } from '../common/problem.dto';
import { CaseDetailDto, EvidenceDto, ReviewTaskDto, SubmitTaskDto, TaskCommandResultDto } from './case.dto';
import { CasesService, UploadedFile as Upload } from './cases.service';

@ApiTags('cases')
@Controller()
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get('cases/:id')
  @ApiOperation({ summary: 'A unit case: its tasks, their states and due dates, and its evidence' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  detail(@Param('id') id: string): Promise<CaseDetailDto> {
    return this.cases.detail(id);
  }

  @Post('cases/:id/tasks/:taskKey/evidence')
  @ApiActorHeader()
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Upload one piece of evidence (PDF, JPEG, PNG, WebP, DOCX, XLSX, PPTX); the type is detected from the content' })
  @ApiCreatedResponse({ type: EvidenceDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'No file, or an empty file' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto })
  upload(@Param('id') id: string, @Param('taskKey') taskKey: string, @ActorEmail() actor: string, @UploadedFile() file?: Upload): Promise<EvidenceDto> {
    return this.cases.upload(id, taskKey, actor, file);
  }

  @Post('cases/:id/tasks/:taskKey/submit')
  @HttpCode(200)
  @ApiActorHeader()
  @ApiOperation({ summary: 'Submit a task with its evidence for review (accepted once the case workflow has durably accepted it)' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The task is not open (e.g. already submitted or approved)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Not enough evidence' })
  submit(@Param('id') id: string, @Param('taskKey') taskKey: string, @ActorEmail() actor: string, @Body() dto: SubmitTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.submit(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/review')
  @HttpCode(200)
  @ApiActorHeader()
  @ApiOperation({ summary: 'Approve a submitted task, or return it with a comment' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Nothing to review, or the wrong review level' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A return without a comment' })
  review(@Param('id') id: string, @Param('taskKey') taskKey: string, @ActorEmail() actor: string, @Body() dto: ReviewTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.review(id, taskKey, actor, dto);
  }

  @Get('evidence/:id/content')
  @ApiActorHeader()
  @ApiOperation({ summary: 'Download a piece of evidence (for the unit, reviewers and observers above it, and the coordinator)' })
  @ApiOkResponse({ description: 'The file, with its detected media type' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such evidence, or not visible to this person' })
  async content(@Param('id') id: string, @ActorEmail() actor: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { meta, stream } = await this.cases.evidenceContent(id, actor);
    res.setHeader('Content-Type', meta.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.filename)}`);
    res.setHeader('X-Content-SHA256', meta.sha256);
    return new StreamableFile(stream);
  }
}
