import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TIME_ZONES } from '@kawal/domain';

export const UNIT_KINDS = ['PROVINSI', 'KOTA', 'KABUPATEN', 'KECAMATAN', 'KELURAHAN', 'DESA', 'SKPD', 'UPT', 'OTHER'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
/** Kemendagri codes (63, 63.72, 63.72.01, 63.72.01.1001) or an institution code with letters (63.72.SKPD-DINKES). */
export const UNIT_CODE_PATTERN = /^\d{2}(\.[0-9A-Z][0-9A-Z-]{0,19}){0,4}$/;

export class CreateUnitDto {
  @ApiProperty({ example: '63.72.01.1001', description: 'Kemendagri code' })
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'code must be a Kemendagri code such as 63.72.01.1001' })
  code!: string;

  @ApiProperty({ example: 'Loktabat Utara' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: UNIT_KINDS })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;

  @ApiPropertyOptional({ example: '63.72.01', description: 'Code of the parent unit (must exist)' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'parentCode must be a Kemendagri code' })
  parentCode?: string;

  @ApiPropertyOptional({ enum: Object.keys(TIME_ZONES), description: 'Derived from the province code when omitted' })
  @IsOptional()
  @IsIn(Object.keys(TIME_ZONES))
  timeZone?: string;
}

export class UnitDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: UNIT_KINDS }) kind!: string;
  @ApiProperty({ nullable: true }) parentCode!: string | null;
  @ApiProperty({ example: 'Asia/Makassar' }) timeZone!: string;
}
