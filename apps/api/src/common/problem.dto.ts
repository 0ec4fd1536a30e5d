import { ApiProperty } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'startDate' }) field!: string;
  @ApiProperty({ example: 'startDate must be a valid ISO 8601 date string' }) rule!: string;
  @ApiProperty({ example: 'harus berupa tanggal (YYYY-MM-DD)' }) message!: string;
}

/** RFC 9457 problem details, as every error response of the API. */
export class ProblemDto {
  @ApiProperty({ example: 'https://kawal.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Masukan tidak valid' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ description: 'Stable error code', example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty({ example: '/programmes' }) instance!: string;
  @ApiProperty({ description: 'Also returned in the X-Request-Id header' }) requestId!: string;
  @ApiProperty({ type: [FieldErrorDto], required: false }) errors?: FieldErrorDto[];
}
