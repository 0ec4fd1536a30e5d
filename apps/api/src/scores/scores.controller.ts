import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../auth/actor';
import { ApiError } from '../common/api-error';
import { ProblemDto } from '../common/problem.dto';
import { InstrumentDto, ProgrammeScoresDto, ProgrammeScoresQueryDto, PutUnitScoreDto, UnitScoreDto, UnitScoresDto, UnitScoresQueryDto } from './score.dto';
import { DEFAULT_TREND_INSTRUMENT, ScoresService } from './scores.service';

const yearPipe = new ParseIntPipe({
  exceptionFactory: () => ApiError.invalid([{ field: 'year', rule: 'must be a whole number (a year such as 2024)', message: 'harus bilangan bulat (tahun, mis. 2024)' }]),
});

@ApiTags('scores')
@Controller()
export class ScoresController {
  constructor(private readonly scores: ScoresService) {}

  @Get('instruments')
  @ApiOperation({ summary: 'The scoring instruments (versioned data): Ombudsman compliance before 2022 and 2022–2024, PEKPPP, the programme checklist' })
  @ApiOkResponse({ type: [InstrumentDto] })
  instruments(): InstrumentDto[] {
    return this.scores.instruments();
  }

  @Get('instruments/:key/versions/:version')
  @ApiOperation({ summary: 'One version of a scoring instrument: its components and weights, its categories and zones, its source' })
  @ApiOkResponse({ type: InstrumentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  instrument(@Param('key') key: string, @Param('version', new ParseIntPipe({ exceptionFactory: () => ApiError.invalid([{ field: 'version', rule: 'must be a whole number', message: 'harus bilangan bulat' }]) })) version: number): InstrumentDto {
    return this.scores.instrument(key, version);
  }

  @Get('programmes/:id/scores')
  @ApiOperation({ summary: "How the programme's units score: mean, median, counts per zone and category, a histogram, the lowest units" })
  @ApiOkResponse({ type: ProgrammeScoresDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  programmeScores(@Param('id') id: string, @Query() q: ProgrammeScoresQueryDto, @CurrentActor() actor: Actor): Promise<ProgrammeScoresDto> {
    return this.scores.programmeScores(id, actor, q.lowest);
  }

  @Get('units/:code/scores')
  @ApiOperation({ summary: "A unit's scores year on year under one instrument (default ombudsman-kepatuhan), with zone, category and the trend" })
  @ApiOkResponse({ type: UnitScoresDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  unitScores(@Param('code') code: string, @Query() q: UnitScoresQueryDto): Promise<UnitScoresDto> {
    return this.scores.unitScores(code, q.instrument);
  }

  @Put('units/:code/scores/:year')
  @ApiOperation({ summary: "Record or correct a unit's score for a year (coordinators and administrators over the unit); give the score or its component scores" })
  @ApiOkResponse({ type: UnitScoreDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A field breaks a rule (the score off the scale, an unknown instrument, a year out of range); each is named' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  putUnitScore(@Param('code') code: string, @Param('year', yearPipe) year: number, @Body() dto: PutUnitScoreDto, @CurrentActor() actor: Actor): Promise<UnitScoreDto> {
    return this.scores.putUnitScore(code, year, dto, actor);
  }

  @Delete('units/:code/scores/:year')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a unit's score for a year (recorded by mistake)" })
  @ApiQuery({ name: 'instrument', required: false, description: 'Default: ombudsman-kepatuhan' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async deleteUnitScore(@Param('code') code: string, @Param('year', yearPipe) year: number, @Query() q: UnitScoresQueryDto, @CurrentActor() actor: Actor): Promise<void> {
    await this.scores.deleteUnitScore(code, year, q.instrument ?? DEFAULT_TREND_INSTRUMENT, actor);
  }
}
