import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { ProblemDto } from '../common/problem.dto';
import { CreateUnitDto, UNIT_KINDS, UnitDto, UnitKind } from './unit.dto';
import { UnitsService } from './units.service';

class UnitFilterDto {
  @IsOptional() @IsString() parentCode?: string;
  @IsOptional() @IsIn(UNIT_KINDS) kind?: UnitKind;
}

@ApiTags('units')
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a unit (kelurahan, kecamatan, SKPD, ...)' })
  @ApiCreatedResponse({ type: UnitDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  create(@Body() dto: CreateUnitDto): Promise<UnitDto> {
    return this.units.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List units, optionally under a parent or of a kind' })
  @ApiQuery({ name: 'parentCode', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: UNIT_KINDS })
  @ApiOkResponse({ type: [UnitDto] })
  list(@Query() filter: UnitFilterDto): Promise<UnitDto[]> {
    return this.units.list(filter);
  }

  @Get(':code')
  @ApiOkResponse({ type: UnitDto })
  get(@Param('code') code: string): Promise<UnitDto> {
    return this.units.get(code);
  }
}
