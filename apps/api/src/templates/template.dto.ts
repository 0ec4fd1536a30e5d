import { ApiProperty } from '@nestjs/swagger';
import type { TemplateRow } from './templates.service';

export class TemplateDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'tindak-lanjut-standar-pelayanan' }) key!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical definition' }) checksum!: string;
  @ApiProperty({ nullable: true }) publishedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The validated definition' }) definition!: unknown;
}

export const toTemplateDto = (t: TemplateRow): TemplateDto => ({
  id: t.id,
  key: t.key,
  version: t.version,
  name: t.name,
  checksum: t.checksum,
  publishedAt: t.publishedAt?.toISOString() ?? null,
  definition: t.definition,
});
