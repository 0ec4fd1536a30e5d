import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, PipeTransform, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, CurrentActor } from '../auth/actor';
import { ApiError } from '../common/api-error';
import { ProblemDto } from '../common/problem.dto';
import {
  TEMPLATE_DOCUMENT_SCHEMA,
  TemplateCheckDto,
  TemplateDto,
  TemplateListQueryDto,
  TemplateVersionDto,
  toTemplateCheckDto,
  toTemplateDto,
  toTemplateVersionDto,
} from './template.dto';
import { TemplatesService } from './templates.service';

const DOCUMENT_TYPES = ['application/json', 'application/yaml'] as const;
const KEY_PARAM = { name: 'key', example: 'tindak-lanjut-standar-pelayanan', description: 'The template key (lower-case kebab-case)' };
const VERSION_PARAM = { name: 'version', type: Number, example: 1 };
const INVALID = 'The document is not valid YAML/JSON or breaks the template schema; errors[] name each field path (e.g. tasks[0].due.workingDays) and rule (VALIDATION_FAILED)';
const NOT_AUTHOR = 'The signed-in person holds neither the COORDINATOR nor the ADMIN role (FORBIDDEN)';
/** The version in the path: a whole number from 1 (the template language's range), else a VALIDATION_FAILED problem naming the field. */
const VERSION: PipeTransform<string, number> = {
  transform(value: string): number {
    if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
      throw ApiError.invalid([{ field: 'version', rule: 'must be a whole number from 1 to 1000000', message: 'harus berupa bilangan bulat 1 sampai 1000000' }]);
    }
    return Number(value);
  },
};
const TOO_LARGE = 'The document is larger than the body limit (1 MB YAML, 5 MB JSON)';

@ApiTags('templates')
@ApiExtraModels(ProblemDto)
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({
    summary: 'The template catalogue',
    description:
      'By default the latest published version of each key. `status=draft` lists every draft (template authors only, 403 otherwise); ' +
      '`status=all` lists both, leaving drafts out for people who are not template authors (COORDINATOR, ADMIN).',
  })
  @ApiOkResponse({ type: [TemplateDto] })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Unknown status (VALIDATION_FAILED)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: `status=draft: ${NOT_AUTHOR}` })
  async list(@Query() query: TemplateListQueryDto, @CurrentActor() actor: Actor): Promise<TemplateDto[]> {
    return (await this.templates.list(actor, query.status)).map(toTemplateDto);
  }

  @Post('validate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Dry run: validate a template document and describe it, without storing anything',
    description: 'Any signed-in person. `existing` tells what is stored under the same key and version today.',
  })
  @ApiConsumes(...DOCUMENT_TYPES)
  @ApiBody(TEMPLATE_DOCUMENT_SCHEMA)
  @ApiOkResponse({ type: TemplateCheckDto, description: 'The document is valid' })
  @ApiBadRequestResponse({ type: ProblemDto, description: INVALID })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: TOO_LARGE })
  async validate(@Body() body: unknown): Promise<TemplateCheckDto> {
    return toTemplateCheckDto(await this.templates.check(this.templates.parseDocument(body)));
  }

  @Post('drafts')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Save a draft of a template version (validated; replaces a draft of the same key and version)',
    description:
      'Template authors (COORDINATOR, ADMIN). A draft is never used by programmes until it is published. 201 for a new draft; 200 when a draft ' +
      'of the same key and version was replaced or already held this content. A version that is already published cannot change (409).',
  })
  @ApiConsumes(...DOCUMENT_TYPES)
  @ApiBody(TEMPLATE_DOCUMENT_SCHEMA)
  @ApiCreatedResponse({ type: TemplateDto, description: 'A new draft' })
  @ApiOkResponse({ type: TemplateDto, description: 'The existing draft of this version was replaced (or already held this content)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: INVALID })
  @ApiForbiddenResponse({ type: ProblemDto, description: NOT_AUTHOR })
  @ApiConflictResponse({ type: ProblemDto, description: 'That version is already published and immutable (TEMPLATE_VERSION_IMMUTABLE)' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: TOO_LARGE })
  async saveDraft(@Body() body: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<TemplateDto> {
    this.templates.assertAuthor(actor);
    const { template, outcome } = await this.templates.saveDraft(this.templates.parseDocument(body), actor);
    if (outcome !== 'created') res.status(HttpStatus.OK);
    return toTemplateDto(template);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Validate and publish a template version in one step',
    description:
      'Template authors (COORDINATOR, ADMIN). A draft of the same key and version is replaced and published. Published versions are immutable: ' +
      'the identical content again answers 200 and changes nothing; other content is a 409.',
  })
  @ApiConsumes(...DOCUMENT_TYPES)
  @ApiBody(TEMPLATE_DOCUMENT_SCHEMA)
  @ApiCreatedResponse({ type: TemplateDto, description: 'Published' })
  @ApiOkResponse({ type: TemplateDto, description: 'The identical version was already published; nothing changed' })
  @ApiBadRequestResponse({ type: ProblemDto, description: INVALID })
  @ApiForbiddenResponse({ type: ProblemDto, description: NOT_AUTHOR })
  @ApiConflictResponse({ type: ProblemDto, description: 'That version is already published with other content (TEMPLATE_VERSION_IMMUTABLE)' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: TOO_LARGE })
  async publish(@Body() body: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<TemplateDto> {
    this.templates.assertAuthor(actor);
    const { template, created } = await this.templates.publish(this.templates.parseDocument(body), actor);
    if (!created) res.status(HttpStatus.OK);
    return toTemplateDto(template);
  }

  @Get(':key')
  @ApiOperation({ summary: 'The latest published version of a template' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: TemplateDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such template (NOT_FOUND), or it exists only as a draft (TEMPLATE_NOT_PUBLISHED)' })
  async latest(@Param('key') key: string): Promise<TemplateDto> {
    return toTemplateDto(await this.templates.get(key));
  }

  @Get(':key/versions')
  @ApiOperation({ summary: 'Every version of a template, newest first, with status, checksum and publication time (drafts for template authors only)' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: [TemplateVersionDto] })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No version of this template that the signed-in person may see (NOT_FOUND)' })
  async versions(@Param('key') key: string, @CurrentActor() actor: Actor): Promise<TemplateVersionDto[]> {
    return (await this.templates.versions(key, actor)).map(toTemplateVersionDto);
  }

  @Get(':key/versions/:version')
  @ApiOperation({ summary: 'One version of a template (a draft for template authors only)' })
  @ApiParam(KEY_PARAM)
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: TemplateDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The version is not a whole number (VALIDATION_FAILED)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such version, or a draft and the signed-in person is not a template author (NOT_FOUND)' })
  async version(@Param('key') key: string, @Param('version', VERSION) version: number, @CurrentActor() actor: Actor): Promise<TemplateDto> {
    return toTemplateDto(await this.templates.version(key, version, actor));
  }

  @Post(':key/versions/:version/publish')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Publish a draft; from then on it is immutable and programmes can launch from it',
    description: 'Template authors (COORDINATOR, ADMIN). The draft is validated again first. Publishing a version that is already published is a no-op (200).',
  })
  @ApiParam(KEY_PARAM)
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: TemplateDto, description: 'Published (or it already was)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The version is not a whole number, or the draft no longer passes validation (VALIDATION_FAILED)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: NOT_AUTHOR })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No draft or published version with this key and version (NOT_FOUND)' })
  async publishDraft(@Param('key') key: string, @Param('version', VERSION) version: number, @CurrentActor() actor: Actor): Promise<TemplateDto> {
    return toTemplateDto((await this.templates.publishDraft(key, version, actor)).template);
  }

  @Delete(':key/versions/:version')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a draft (published versions stay forever)', description: 'Template authors (COORDINATOR, ADMIN).' })
  @ApiParam(KEY_PARAM)
  @ApiParam(VERSION_PARAM)
  @ApiNoContentResponse({ description: 'The draft is gone' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The version is not a whole number (VALIDATION_FAILED)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: NOT_AUTHOR })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No draft with this key and version (NOT_FOUND)' })
  @ApiConflictResponse({ type: ProblemDto, description: 'That version is published and cannot be deleted (TEMPLATE_VERSION_IMMUTABLE)' })
  async deleteDraft(@Param('key') key: string, @Param('version', VERSION) version: number, @CurrentActor() actor: Actor): Promise<void> {
    await this.templates.deleteDraft(key, version, actor);
  }
}
