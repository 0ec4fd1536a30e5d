import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export const ROLES = ['ADMIN', 'COORDINATOR', 'REVIEWER', 'UNIT_HEAD', 'UNIT_STAFF', 'OBSERVER'] as const;
export type RoleName = (typeof ROLES)[number];

export class RoleAssignmentDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: RoleName;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '63.72.01.1001',
    description: 'The unit the role is scoped to (and everything under it); omitted or null = everywhere, which only an administrator everywhere may grant',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  unitCode?: string | null;
}

export class CreatePersonDto {
  @ApiProperty({ example: 'lurah.loktabat@banjarbarukota.go.id' }) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ example: 'Hj. Siti Aminah' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiPropertyOptional({ enum: ['id', 'en'], default: 'id' }) @IsOptional() @IsIn(['id', 'en']) locale?: 'id' | 'en';
  @ApiPropertyOptional({ minLength: 10, maxLength: 200, description: 'An initial password (the person should change it); omitted = signs in with emailed links' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  password?: string;
  @ApiProperty({ type: [RoleAssignmentDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RoleAssignmentDto)
  roles!: RoleAssignmentDto[];
}

export class PersonDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['id', 'en'] }) locale!: string;
  @ApiProperty({ type: [RoleAssignmentDto] }) roles!: RoleAssignmentDto[];
}
