import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ZONES } from '@kawal/scoring';

/** What a score means, as the instruments in instruments/ define it (scores, zones, categories, trends). */

export class LocalTextDto {
  @ApiProperty({ example: 'Kualitas Tertinggi' }) id!: string;
  @ApiProperty({ example: 'Highest quality' }) en!: string;
}

export class InstrumentRefDto {
  @ApiProperty({ example: 'ombudsman-kepatuhan' }) key!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ type: LocalTextDto }) name!: LocalTextDto;
}

export class BandRangeDto {
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
}

export class NextCategoryDto {
  @ApiProperty({ example: 'A' }) category!: string;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty({ type: LocalTextDto }) label!: LocalTextDto;
  @ApiProperty({ description: 'The lowest score of that category' }) minScore!: number;
  @ApiProperty({ description: 'How far the score is from it' }) pointsNeeded!: number;
}

export class MissingItemDto {
  @ApiProperty() key!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional() titleEn?: string;
  @ApiPropertyOptional({ description: 'The instrument component the task counts toward' }) component?: string;
  @ApiProperty() state!: string;
  @ApiProperty({ description: 'Points the score gains when this task is approved' }) gain!: number;
}

export class ToNextCategoryDto extends NextCategoryDto {
  @ApiProperty({ description: 'Whether the missing tasks together are enough to get there' }) reachable!: boolean;
  @ApiProperty({ type: [MissingItemDto], description: 'What is still missing to reach the next category: the fewest tasks, largest gain first' })
  tasks!: MissingItemDto[];
}

export class ComponentScoreDto {
  @ApiProperty({ example: 'proses' }) key!: string;
  @ApiProperty({ type: LocalTextDto }) name!: LocalTextDto;
  @ApiProperty({ description: 'Weight in percent' }) weight!: number;
  @ApiProperty() score!: number;
  @ApiProperty() doneWeight!: number;
  @ApiProperty() totalWeight!: number;
}

export class CaseScoreDto {
  @ApiProperty({ type: InstrumentRefDto }) instrument!: InstrumentRefDto;
  @ApiProperty({ example: 88.02 }) score!: number;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty({ example: 'A' }) category!: string;
  @ApiProperty({ type: LocalTextDto }) label!: LocalTextDto;
  @ApiProperty({ type: BandRangeDto }) band!: BandRangeDto;
  @ApiProperty({ type: NextCategoryDto, nullable: true, description: 'The category directly above; null at the top' }) next!: NextCategoryDto | null;
  @ApiProperty({ type: [ComponentScoreDto] }) components!: ComponentScoreDto[];
  @ApiProperty({ type: [MissingItemDto], description: 'Every scoring task not yet done, largest gain first' }) missing!: MissingItemDto[];
  @ApiProperty({ type: ToNextCategoryDto, nullable: true }) toNext!: ToNextCategoryDto | null;
}

export class RevocationDto {
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'Local date' }) on!: string;
  @ApiProperty() by!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ description: 'The upheld report, e.g. an LAHP number' }) reference?: string;
  @ApiProperty({ type: [String], description: 'Tasks opened again' }) reopened!: string[];
}

export class DesignationDto {
  @ApiProperty({ type: LocalTextDto }) name!: LocalTextDto;
  @ApiProperty({ enum: ['pending', 'granted', 'revoked'] }) status!: string;
  @ApiProperty({ nullable: true, description: 'Local date the designation was granted (while granted)' }) grantedOn!: string | null;
  @ApiProperty({ type: [RevocationDto] }) revocations!: RevocationDto[];
}

export class CategoryCountDto {
  @ApiProperty() category!: string;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty({ type: LocalTextDto }) label!: LocalTextDto;
  @ApiProperty() count!: number;
}

export class HistogramBucketDto {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty() count!: number;
}

export class ZoneCountsDto {
  @ApiProperty() green!: number;
  @ApiProperty() yellow!: number;
  @ApiProperty() red!: number;
}

export class DistributionDto {
  @ApiProperty() count!: number;
  @ApiProperty({ nullable: true }) mean!: number | null;
  @ApiProperty({ nullable: true }) median!: number | null;
  @ApiProperty({ nullable: true }) min!: number | null;
  @ApiProperty({ nullable: true }) max!: number | null;
  @ApiProperty({ type: ZoneCountsDto }) byZone!: ZoneCountsDto;
  @ApiProperty({ type: [CategoryCountDto] }) byCategory!: CategoryCountDto[];
  @ApiProperty({ type: [HistogramBucketDto] }) histogram!: HistogramBucketDto[];
}

export class UnitScoreRowDto {
  @ApiProperty() caseId!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty() category!: string;
}

export class ProgrammeScoresDto {
  @ApiProperty() programmeId!: string;
  @ApiProperty({ type: InstrumentRefDto, nullable: true, description: 'null when the template scores nothing' }) instrument!: InstrumentRefDto | null;
  @ApiProperty({ description: 'Cases (not cancelled) in the programme' }) cases!: number;
  @ApiProperty({ description: 'Cases with a score so far' }) scored!: number;
  @ApiProperty({ type: DistributionDto, nullable: true }) distribution!: DistributionDto | null;
  @ApiProperty({ type: [UnitScoreRowDto], description: 'The lowest-scoring units first (at most `lowest`)' }) lowest!: UnitScoreRowDto[];
}

export class InstrumentBandDto {
  @ApiProperty() category!: string;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty({ type: LocalTextDto }) label!: LocalTextDto;
}

export class InstrumentComponentDto {
  @ApiProperty() key!: string;
  @ApiProperty({ type: LocalTextDto }) name!: LocalTextDto;
  @ApiProperty() weight!: number;
}

export class InstrumentDto {
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: LocalTextDto }) name!: LocalTextDto;
  @ApiPropertyOptional({ type: LocalTextDto }) description?: LocalTextDto;
  @ApiProperty({ description: 'Where the instrument comes from (regulation, publication)' }) source!: string;
  @ApiPropertyOptional() notes?: string;
  @ApiProperty({ example: { fromYear: 2022, toYear: 2024 } }) appliesTo!: { fromYear: number; toYear?: number };
  @ApiProperty({ example: { min: 0, max: 100, decimals: 2 } }) scale!: { min: number; max: number; decimals: number };
  @ApiProperty({ type: [InstrumentComponentDto] }) components!: InstrumentComponentDto[];
  @ApiProperty({ type: [InstrumentBandDto] }) bands!: InstrumentBandDto[];
}

export const INSTRUMENT_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class PutUnitScoreDto {
  @ApiProperty({ example: 'ombudsman-kepatuhan', description: 'Scoring instrument key (GET /instruments)' })
  @IsString()
  @Matches(INSTRUMENT_KEY, { message: 'instrument must be an instrument key such as ombudsman-kepatuhan' })
  instrument!: string;

  @ApiPropertyOptional({ description: 'Instrument version; default: the version that applies to the year' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ example: 88.02, description: 'The score; give it, or the component scores it is computed from' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 })
  score?: number;

  @ApiPropertyOptional({ example: { input: 90, proses: 85.5, output: 88, pengaduan: 89 }, description: 'Component scores (every component of the instrument)' })
  @IsOptional()
  @IsObject()
  components?: Record<string, number>;

  @ApiPropertyOptional({ example: 'Ombudsman RI, Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik 2023' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  source?: string;
}

export class UnitScoreDto {
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ example: 88.02 }) score!: number;
  @ApiProperty({ enum: ZONES }) zone!: string;
  @ApiProperty({ example: 'A' }) category!: string;
  @ApiProperty({ type: LocalTextDto }) label!: LocalTextDto;
  @ApiProperty({ type: InstrumentRefDto }) instrument!: InstrumentRefDto;
  @ApiProperty({ nullable: true, description: 'Change from the year before it in this list; null for the first' }) change!: number | null;
  @ApiPropertyOptional({ description: 'Component scores, when recorded' }) components?: Record<string, number>;
  @ApiProperty({ nullable: true }) source!: string | null;
  @ApiProperty() recordedBy!: string;
  @ApiProperty() updatedAt!: string;
}

export class TrendSummaryDto {
  @ApiProperty({ nullable: true }) firstYear!: number | null;
  @ApiProperty({ nullable: true }) lastYear!: number | null;
  @ApiProperty({ nullable: true, description: 'Last score minus the first' }) change!: number | null;
  @ApiProperty({ enum: ['up', 'down', 'flat'], nullable: true }) direction!: string | null;
}

export class UnitScoresDto {
  @ApiProperty() unitCode!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty({ example: 'ombudsman-kepatuhan' }) instrument!: string;
  @ApiProperty({ type: [UnitScoreDto], description: 'Year by year, oldest first; each classified by the instrument version of its year' })
  scores!: UnitScoreDto[];
  @ApiProperty({ type: TrendSummaryDto }) trend!: TrendSummaryDto;
}

export class UnitScoresQueryDto {
  @ApiPropertyOptional({ example: 'ombudsman-kepatuhan', description: 'Default: ombudsman-kepatuhan' })
  @IsOptional()
  @IsString()
  @Matches(INSTRUMENT_KEY, { message: 'instrument must be an instrument key such as ombudsman-kepatuhan' })
  instrument?: string;
}

export class ProgrammeScoresQueryDto {
  @ApiPropertyOptional({ default: 10, minimum: 0, maximum: 100, description: 'How many of the lowest-scoring units to list' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  lowest?: number;
}

export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;
