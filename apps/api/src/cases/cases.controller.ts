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
import { Actor, CurrentActor } from '../auth/actor';
import { ProblemDto } from '../common/problem.dto';
import {
  AddFollowUpsDto,
  CaseCommandResultDto,
  CaseDetailDto,
  DecideExtensionDto,
  EvidenceDto,
  ReassignTaskDto,
  RequestExtensionDto,
  ReviewTaskDto,
  RevokeDesignationDto,
  SignOffCaseDto,
  SubmitTaskDto,
  TaskCommandResultDto,
  WaiveTaskDto,
} from './case.dto';
import { CasesService, UploadedFile as Upload } from './cases.service';

@ApiTags('cases')
@Controller()
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get('cases/:id')
  @ApiOperation({ summary: 'A unit case: its tasks, their states and due dates, and its evidence' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  detail(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseDetailDto> {
    return this.cases.detail(id, actor);
  }

  @Post('cases/:id/tasks/:taskKey/evidence')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        replaces: { type: 'string', format: 'uuid', description: 'Upload as the next version of this evidence (earlier versions stay)' },
      },
    },
  })
  @ApiOperation({ summary: 'Upload one piece of evidence (PDF, JPEG, PNG, WebP, DOCX, XLSX, PPTX); the type is detected from the content, the SHA-256 recorded' })
  @ApiCreatedResponse({ type: EvidenceDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'No file, or an empty file' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto })
  upload(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @UploadedFile() file?: Upload, @Body('replaces') replaces?: string): Promise<EvidenceDto> {
    return this.cases.upload(id, taskKey, actor, file, typeof replaces === 'string' && replaces.trim() ? replaces.trim() : undefined);
  }

  @Post('cases/:id/tasks/:taskKey/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a task with its evidence for review (accepted once the case workflow has durably accepted it)' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The task is not open (e.g. already submitted or approved)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Not enough evidence' })
  submit(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: SubmitTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.submit(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a submitted task, or return it with a comment' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Nothing to review, or the wrong review level' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A return without a comment' })
  review(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: ReviewTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.review(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/extension-request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask for more working days on a task (the unit head or staff); the coordinator is emailed' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The task is done, has no deadline yet, or a request is already pending' })
  requestExtension(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: RequestExtensionDto): Promise<TaskCommandResultDto> {
    return this.cases.requestExtension(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/extension-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant or refuse a pending extension request (the coordinator); the unit is emailed' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'No request pending' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A refusal without a comment' })
  decideExtension(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: DecideExtensionDto): Promise<TaskCommandResultDto> {
    return this.cases.decideExtension(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/waive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release the unit from a task, with a reason (the coordinator); tasks waiting on it may open' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The task is already approved or waived' })
  waive(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: WaiveTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.waive(id, taskKey, actor, dto);
  }

  @Post('cases/:id/tasks/:taskKey/reassign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a task to a named person (the coordinator); they get its reminders from now on' })
  @ApiOkResponse({ type: TaskCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  reassign(@Param('id') id: string, @Param('taskKey') taskKey: string, @CurrentActor() actor: Actor, @Body() dto: ReassignTaskDto): Promise<TaskCommandResultDto> {
    return this.cases.reassign(id, taskKey, actor, dto);
  }

  @Post('cases/:id/sign-off')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign off a case whose tasks are all approved or waived (the coordinator); the case closes' })
  @ApiOkResponse({ type: CaseCommandResultDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Tasks are still open, or the case is closed' })
  signOff(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: SignOffCaseDto): Promise<CaseCommandResultDto> {
    return this.cases.signOff(id, actor, dto);
  }

  @Post('cases/:id/designation/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: "Revoke the unit's designation (e.g. Kelurahan Bebas Maladministrasi) after an upheld report (the coordinator)",
    description: "The template's listed tasks (verification, assessment, designation) open again; the unit's heads, the head of its parent unit and the coordinator are emailed.",
  })
  @ApiOkResponse({ type: CaseCommandResultDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The reason is missing (the field is named)' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The unit does not hold the designation, the template has none, or the case is closed' })
  revokeDesignation(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: RevokeDesignationDto): Promise<CaseCommandResultDto> {
    return this.cases.revokeDesignation(id, actor, dto);
  }

  @Post('cases/:id/follow-ups')
  @HttpCode(200)
  @ApiOperation({
    summary: "Add follow-up tasks to the case (the coordinator), e.g. one per note of the Ombudsman's rapor, each with an owner and a deadline",
  })
  @ApiOkResponse({ type: CaseCommandResultDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'An item breaks a rule (no title, an owner who is not registered, a bad date); the field is named' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The template takes no follow-ups, the case is closed, or it has too many' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A due date in the past' })
  addFollowUps(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: AddFollowUpsDto): Promise<CaseCommandResultDto> {
    return this.cases.addFollowUps(id, actor, dto);
  }

  @Get('evidence/:id/content')
  @ApiOperation({ summary: 'Download a piece of evidence (for the unit, reviewers and observers above it, and the coordinator)' })
  @ApiOkResponse({ description: 'The file, with its detected media type' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such evidence, or not visible to this person' })
  async content(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { meta, stream } = await this.cases.evidenceContent(id, actor);
    res.setHeader('Content-Type', meta.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.filename)}`);
    res.setHeader('X-Content-SHA256', meta.sha256);
    return new StreamableFile(stream);
  }
}
