import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProblemDto } from '../common/problem.dto';
import { TemplateDto, toTemplateDto } from './template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'List every template version' })
  @ApiOkResponse({ type: [TemplateDto] })
  async list(): Promise<TemplateDto[]> {
    return (await this.templates.list()).map(toTemplateDto);
  }

  @Get(':key')
  @ApiOperation({ summary: 'The latest published version of a template' })
  @ApiOkResponse({ type: TemplateDto })
  async latest(@Param('key') key: string): Promise<TemplateDto> {
    return toTemplateDto(await this.templates.get(key));
  }

  @Get(':key/versions/:version')
  @ApiOperation({ summary: 'One version of a template' })
  @ApiOkResponse({ type: TemplateDto })
  async version(@Param('key') key: string, @Param('version', ParseIntPipe) version: number): Promise<TemplateDto> {
    return toTemplateDto(await this.templates.get(key, version));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Validate and publish a template (JSON body, or YAML with Content-Type application/yaml)' })
  @ApiBody({ description: 'The template document', schema: { type: 'object' } })
  @ApiCreatedResponse({ type: TemplateDto, description: 'Published (200 when the identical version already existed)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The template is invalid; errors[] name each field path and rule' })
  @ApiConflictResponse({ type: ProblemDto, description: 'That version exists with other content' })
  async publish(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<TemplateDto> {
    const { template, created } = await this.templates.publish(this.templates.parseDocument(body));
    if (!created) res.status(200);
    return toTemplateDto(template);
  }
}
