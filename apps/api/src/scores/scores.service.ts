import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';
import {
  CaseScore,
  Instrument,
  InstrumentRegistry,
  ScoringError,
  UnknownInstrumentError,
  classify,
  combine,
  distribution,
  scoreCase,
  trend,
} from '@kawal/scoring';
import { instrumentForTemplate, scoredTasks, type ScoringTemplate } from '@kawal/templates';
import { ApiError } from '../common/api-error';
import { AccessService } from '../access/access.service';
import { SCORE_RECORDERS } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { InstrumentDto, ProgrammeScoresDto, PutUnitScoreDto, UnitScoreDto, UnitScoresDto } from './score.dto';
import { YEAR_MAX, YEAR_MIN } from './score.dto';

const UNIT_TEXT = { id: 'Unit', en: 'Unit' };
const PROGRAMME_TEXT = { id: 'Program', en: 'Programme' };
/** The instrument a unit's trend is shown for when none is asked. */
export const DEFAULT_TREND_INSTRUMENT = 'ombudsman-kepatuhan';
/** How many of the lowest-scoring units a programme's scores list by default. */
export const DEFAULT_LOWEST = 10;

const toInstrumentDto = (i: Instrument): InstrumentDto => ({
  key: i.key,
  version: i.version,
  name: i.name,
  description: i.description,
  source: i.source,
  notes: i.notes,
  appliesTo: i.appliesTo,
  scale: i.scale,
  components: i.components,
  bands: i.bands,
});

/** A field error: the rule (English, from the scoring library) and a message in Bahasa Indonesia. */
function fieldError(field: string, rule: string, message = `tidak valid: ${rule}`): ApiError {
  return ApiError.invalid([{ field, rule, message }]);
}

/**
 * Scores, zones and categories (instruments/ holds the instruments as versioned data): a case's score and what it
 * still misses for the next category, a programme's distribution, and a unit's scores year on year.
 */
@Injectable()
export class ScoresService {
  readonly registry = InstrumentRegistry.builtIn();

  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  instruments(): InstrumentDto[] {
    return this.registry.list().map(toInstrumentDto);
  }

  instrument(key: string, version: number): InstrumentDto {
    return toInstrumentDto(this.find(key, version));
  }

  /** The case's score under its template's instrument (the version of the programme's year), from its tasks. */
  caseScore(
    template: ScoringTemplate,
    startDate: Date,
    tasks: Array<{ key: string; title: string; state: string; weight: number; component?: string | null }>,
  ): CaseScore | null {
    const instrument = instrumentForTemplate(template, startDate.getUTCFullYear(), this.registry);
    return instrument ? scoreCase(instrument, scoredTasks(template, tasks)) : null;
  }


  /** How the programme's units score: the distribution over the instrument's categories and the lowest units. */
  async programmeScores(programmeId: string, actor: Actor, lowest = DEFAULT_LOWEST): Promise<ProgrammeScoresDto> {
    const programme = await this.prisma.programme.findUnique({
      where: { id: programmeId },
      select: { id: true, coordinatorId: true, startDate: true, template: { select: { definition: true } } },
    });
    if (!programme) throw ApiError.notFound(PROGRAMME_TEXT, programmeId);
    await this.access.assertProgramme(actor, programme, 'read');
    const template = programme.template.definition as unknown as ScoringTemplate;
    const instrument = instrumentForTemplate(template, programme.startDate.getUTCFullYear(), this.registry);
    const where = { programmeId, status: { not: 'CANCELLED' as const } };
    const cases = await this.prisma.case.count({ where });
    if (!instrument) return { programmeId, instrument: null, cases, scored: 0, distribution: null, lowest: [] };
    const scores = await this.prisma.case.findMany({ where: { ...where, score: { not: null } }, select: { score: true } });
    const rows = await this.prisma.case.findMany({
      where: { ...where, score: { not: null } },
      orderBy: [{ score: 'asc' }, { unit: { code: 'asc' } }],
      take: lowest,
      select: { id: true, score: true, scoreZone: true, scoreCategory: true, unit: { select: { code: true, name: true } } },
    });
    return {
      programmeId,
      instrument: { key: instrument.key, version: instrument.version, name: instrument.name },
      cases,
      scored: scores.length,
      distribution: distribution(instrument, scores.map((s) => s.score!)),
      lowest: rows.map((r) => ({ caseId: r.id, unitCode: r.unit.code, unitName: r.unit.name, score: r.score!, zone: r.scoreZone!, category: r.scoreCategory! })),
    };
  }

  /** A unit's scores under one instrument, year by year, each classified by the version that applied that year. */
  async unitScores(code: string, instrumentKey = DEFAULT_TREND_INSTRUMENT): Promise<UnitScoresDto> {
    const unit = await this.unit(code);
    if (!this.registry.has(instrumentKey)) throw fieldError('instrument', `must name a known scoring instrument (${this.known()})`);
    const rows = await this.prisma.unitScore.findMany({ where: { unitId: unit.id, instrumentKey }, orderBy: { year: 'asc' } });
    const t = trend(rows.map((r) => ({ year: r.year, score: r.score })));
    return {
      unitCode: unit.code,
      unitName: unit.name,
      instrument: instrumentKey,
      scores: rows.map((r, i) => this.toUnitScore(r, t.points[i].change)),
      trend: { firstYear: t.firstYear, lastYear: t.lastYear, change: t.change, direction: t.direction },
    };
  }

  /** Records (or corrects) a unit's score for a year; the score may be given or computed from its components. */
  async putUnitScore(code: string, year: number, dto: PutUnitScoreDto, actor: Actor): Promise<UnitScoreDto> {
    const unit = await this.unit(code);
    if (!(await this.access.holdsOnUnit(actor, SCORE_RECORDERS, unit.id))) {
      throw ApiError.forbidden({ id: `${actor.email} tidak berwenang mencatat nilai ${unit.name}.`, en: `${actor.email} may not record scores for ${unit.name}.` });
    }
    if (!Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX) throw fieldError('year', `must be a year from ${YEAR_MIN} to ${YEAR_MAX}`);
    if (!this.registry.has(dto.instrument)) throw fieldError('instrument', `must name a known scoring instrument (${this.known()})`);
    let instrument: Instrument;
    try {
      instrument = dto.version !== undefined ? this.registry.get(dto.instrument, dto.version) : this.registry.forYear(dto.instrument, year);
    } catch (err) {
      if (err instanceof UnknownInstrumentError || err instanceof ScoringError) throw fieldError(dto.version !== undefined ? 'version' : 'year', err.message);
      throw err;
    }
    if ((dto.score === undefined) === (dto.components === undefined)) throw fieldError('score', 'give either score or components (not both, not neither)');
    let score: number;
    try {
      score = dto.components !== undefined ? combine(instrument, dto.components) : classify(instrument, dto.score!).score;
    } catch (err) {
      if (err instanceof ScoringError) throw fieldError(dto.components !== undefined ? 'components' : 'score', err.message);
      throw err;
    }
    const data = {
      instrumentVersion: instrument.version,
      score,
      components: dto.components ? (dto.components as db.Prisma.InputJsonObject) : db.Prisma.DbNull,
      source: dto.source?.trim() || null,
      recordedBy: actor.email,
    };
    const row = await this.prisma.$transaction(async (tx) => {
      const before = await tx.unitScore.findUnique({ where: { unitId_instrumentKey_year: { unitId: unit.id, instrumentKey: instrument.key, year } } });
      const saved = await tx.unitScore.upsert({
        where: { unitId_instrumentKey_year: { unitId: unit.id, instrumentKey: instrument.key, year } },
        create: { unitId: unit.id, instrumentKey: instrument.key, year, ...data },
        update: data,
      });
      await this.audit.record(
        {
          actor,
          action: before ? 'unit.score-corrected' : 'unit.score-recorded',
          before: before ? { unitCode: unit.code, year, score: before.score, instrument: `${before.instrumentKey}@${before.instrumentVersion}` } : undefined,
          after: { unitCode: unit.code, year, score, instrument: `${instrument.key}@${instrument.version}`, source: data.source },
        },
        tx,
      );
      return saved;
    });
    const previous = await this.prisma.unitScore.findFirst({ where: { unitId: unit.id, instrumentKey: instrument.key, year: { lt: year } }, orderBy: { year: 'desc' } });
    // The change as GET /units/{code}/scores computes it.
    return this.toUnitScore(row, previous ? trend([previous, row]).points[1].change : null);
  }

  async deleteUnitScore(code: string, year: number, instrumentKey: string, actor: Actor): Promise<void> {
    const unit = await this.unit(code);
    if (!(await this.access.holdsOnUnit(actor, SCORE_RECORDERS, unit.id))) {
      throw ApiError.forbidden({ id: `${actor.email} tidak berwenang menghapus nilai ${unit.name}.`, en: `${actor.email} may not remove scores of ${unit.name}.` });
    }
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.unitScore.findUnique({ where: { unitId_instrumentKey_year: { unitId: unit.id, instrumentKey, year } } });
      if (!row) throw ApiError.notFound({ id: 'Nilai', en: 'Score' }, `${code} ${instrumentKey} ${year}`);
      await tx.unitScore.delete({ where: { id: row.id } });
      await this.audit.record({ actor, action: 'unit.score-removed', before: { unitCode: unit.code, year, score: row.score, instrument: `${row.instrumentKey}@${row.instrumentVersion}` } }, tx);
    });
  }

  private toUnitScore(r: db.UnitScore, change: number | null): UnitScoreDto {
    const instrument = this.registry.get(r.instrumentKey, r.instrumentVersion);
    const c = classify(instrument, r.score);
    return {
      year: r.year,
      score: c.score,
      zone: c.zone,
      category: c.category,
      label: c.label,
      instrument: { key: instrument.key, version: instrument.version, name: instrument.name },
      change,
      ...(r.components ? { components: r.components as Record<string, number> } : {}),
      source: r.source,
      recordedBy: r.recordedBy,
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  private find(key: string, version: number): Instrument {
    try {
      return this.registry.get(key, version);
    } catch (err) {
      if (err instanceof UnknownInstrumentError) throw ApiError.notFound({ id: 'Instrumen penilaian', en: 'Scoring instrument' }, `${key}@${version}`);
      throw err;
    }
  }

  private known(): string {
    return [...new Set(this.registry.list().map((i) => i.key))].join(', ');
  }

  private async unit(code: string) {
    const unit = await this.prisma.unit.findUnique({ where: { code }, select: { id: true, code: true, name: true } });
    if (!unit) throw ApiError.notFound(UNIT_TEXT, code);
    return unit;
  }
}
