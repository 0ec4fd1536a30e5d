import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { TIME_ZONES } from '@kawal/domain';
import { CursorPageQueryDto, PageRules } from '../common/pagination';

export const UNIT_KINDS = ['PROVINSI', 'KOTA', 'KABUPATEN', 'KECAMATAN', 'KELURAHAN', 'DESA', 'SKPD', 'UPT', 'OTHER'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
/** Kemendagri codes (63, 63.72, 63.72.04, 63.72.04.1001) or an institution code with letters (63.72.SKPD-DINKES). */
export const UNIT_CODE_PATTERN = /^\d{2}(\.[0-9A-Z][0-9A-Z-]{0,19}){0,4}$/;

export class CreateUnitDto {
  @ApiProperty({ example: '63.72.04.1001', description: 'Kemendagri code' })
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'code must be a Kemendagri code such as 63.72.04.1001' })
  code!: string;

  @ApiProperty({ example: 'Loktabat Utara' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: UNIT_KINDS })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;

  @ApiPropertyOptional({ example: '63.72.04', description: 'Code of the parent unit (must exist); omitted = a top-level unit, which only an administrator everywhere may create' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'parentCode must be a Kemendagri code' })
  parentCode?: string;

  @ApiPropertyOptional({ enum: Object.keys(TIME_ZONES), description: 'Derived from the province code when omitted' })
  @IsOptional()
  @IsIn(Object.keys(TIME_ZONES))
  timeZone?: string;
}

export class UpdateUnitDto {
  @ApiPropertyOptional({ example: 'Loktabat Utara' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '63.72.02',
    description:
      'Move the unit (with everything under it) under another unit; null = make it a top-level unit. ' +
      'The mover must be an administrator over both the old and the new parent; a move under the unit itself or one of its descendants is refused.',
  })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'parentCode must be a Kemendagri code' })
  parentCode?: string | null;

  @ApiPropertyOptional({ enum: Object.keys(TIME_ZONES) })
  @IsOptional()
  @IsIn(Object.keys(TIME_ZONES))
  timeZone?: string;
}

export const UNITS_PAGE: PageRules = { cursorMaxLength: 300, maxLimit: 500, defaultLimit: 100 };

export class UnitQueryDto extends CursorPageQueryDto(UNITS_PAGE) {
  @ApiPropertyOptional({ example: '63.72', description: 'Only the direct children of this unit' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  parentCode?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  @ApiPropertyOptional({ example: '63.72', description: 'The whole subtree of this unit (the unit itself included)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  under?: string;

  @ApiPropertyOptional({ example: 'loktabat', description: 'Name or code contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;
}

export class UnitDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '63.72.04.1001' }) code!: string;
  @ApiProperty({ example: 'Loktabat Utara' }) name!: string;
  @ApiProperty({ enum: UNIT_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: '63.72.04', description: 'null = a top-level unit' }) parentCode!: string | null;
  @ApiProperty({ example: 'Asia/Makassar' }) timeZone!: string;
}

export class UnitPageDto {
  @ApiProperty({ type: [UnitDto], description: 'Ordered by code' }) items!: UnitDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor!: string | null;
}

// ------------------------------------------------------------------------------------------------- CSV import

export const IMPORT_MODES = ['all-or-nothing', 'valid-only'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export class ImportUnitsQueryDto {
  @ApiPropertyOptional({
    enum: IMPORT_MODES,
    default: 'all-or-nothing',
    description: 'all-or-nothing: one invalid row rejects the file (422); valid-only: apply the valid rows (and valid rows under them), report the others',
  })
  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode?: ImportMode;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'true: validate and plan only; nothing is saved' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;
}

export class ImportErrorDto {
  @ApiProperty({ example: 4, description: 'Spreadsheet row: the header is row 1, the first data row is row 2' }) row!: number;
  @ApiProperty({ example: 'parent_code', description: "The column (code, name, kind, parent_code, time_zone), or 'file' for the file or a whole row" }) column!: string;
  @ApiProperty({ example: 'row 4: parent_code', description: 'Row and column together' }) field!: string;
  @ApiProperty({
    example: 'parent-not-found',
    description:
      'The rule broken: a rule of the CSV format (required, code-format, unknown-kind, parent-not-found, parent-cycle, kemendagri-parent, time-zone-invalid, ...), ' +
      "'outside your administrative scope', or 'parent row rejected'",
  })
  rule!: string;
  @ApiProperty({ example: 'Induk 63.72.09 tidak ditemukan: tidak ada di data unit maupun di berkas ini.', description: 'In Bahasa Indonesia' }) message!: string;
}

export class ImportRowDto {
  @ApiProperty({ example: 2 }) row!: number;
  @ApiProperty({ example: '63.72.04.1003' }) code!: string;
  @ApiProperty({ enum: ['create', 'update', 'unchanged'], description: 'What the import did (or, in a dry run, would do) with the row' })
  action!: 'create' | 'update' | 'unchanged';
  @ApiProperty({ type: [String], example: ['name'], description: "For 'update': the fields that change (name, kind, parentCode, timeZone)" }) changes!: string[];
}

export class ImportResultDto {
  @ApiProperty({ description: 'Whether changes were saved (false for a dry run)' }) applied!: boolean;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ enum: IMPORT_MODES }) mode!: ImportMode;
  @ApiProperty({ example: 20 }) created!: number;
  @ApiProperty({ example: 1 }) updated!: number;
  @ApiProperty({ example: 5 }) unchanged!: number;
  @ApiProperty({ example: 0, description: 'Data rows not applied because of an error (valid-only mode)' }) rejected!: number;
  @ApiProperty({ type: [ImportRowDto], description: 'Every row applied (or, in a dry run, that would be), parents before children; rejected rows are only in errors' }) rows!: ImportRowDto[];
  @ApiProperty({ type: [ImportErrorDto], description: 'Every problem found, by row (empty when the whole file was applied)' }) errors!: ImportErrorDto[];
}

/** The 422 answer of an all-or-nothing import with invalid rows (and of any import whose file cannot be read). */
export class ImportProblemDto {
  @ApiProperty({ example: 'https://kawal.dev/problems/import-rejected' }) type!: string;
  @ApiProperty({ example: 'Impor ditolak' }) title!: string;
  @ApiProperty({ example: 422 }) status!: number;
  @ApiProperty({ example: '2 dari 25 baris bermasalah; tidak ada yang disimpan.' }) detail!: string;
  @ApiProperty({ example: 'IMPORT_REJECTED', description: 'IMPORT_REJECTED: invalid rows in all-or-nothing mode, or a file that cannot be read at all (header, syntax, size)' }) code!: string;
  @ApiProperty({ example: '/units/import' }) instance!: string;
  @ApiProperty() requestId!: string;
  @ApiProperty({ type: [ImportErrorDto], description: 'Every problem found, by row; nothing was saved' }) errors!: ImportErrorDto[];
}
