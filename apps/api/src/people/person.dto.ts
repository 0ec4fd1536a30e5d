import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CursorPageQueryDto, PageRules } from '../common/pagination';

export const ROLES = ['ADMIN', 'COORDINATOR', 'REVIEWER', 'UNIT_HEAD', 'UNIT_STAFF', 'OBSERVER'] as const;
export type RoleName = (typeof ROLES)[number];

export class RoleAssignmentDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: RoleName;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '63.72.04.1001',
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
  @ApiProperty({ description: 'A disabled person cannot sign in; their sessions and tokens were revoked' }) disabled!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) disabledAt!: string | null;
}

export class UpdatePersonDto {
  @ApiPropertyOptional({ example: 'Hj. Siti Aminah, S.Sos.' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: ['id', 'en'] }) @IsOptional() @IsIn(['id', 'en']) locale?: 'id' | 'en';
  @ApiPropertyOptional({
    description: 'true: the person can no longer sign in and every session and API token of theirs is revoked; false: enabled again (they sign in anew)',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class ReplaceRolesDto {
  @ApiProperty({ type: [RoleAssignmentDto], description: 'The complete new set of role assignments (an empty list removes every role)' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RoleAssignmentDto)
  roles!: RoleAssignmentDto[];
}

export const PEOPLE_PAGE: PageRules = { cursorMaxLength: 500, maxLimit: 500, defaultLimit: 100 };

export class PeopleQueryDto extends CursorPageQueryDto(PEOPLE_PAGE) {
  @ApiPropertyOptional({ example: '63.72.04.1001', description: 'Only people holding a role on exactly this unit' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  unitCode?: string;

  @ApiPropertyOptional({ enum: ROLES, description: 'Only people holding this role (on unitCode, when given)' })
  @IsOptional()
  @IsIn(ROLES)
  role?: RoleName;

  @ApiPropertyOptional({ example: 'aminah', description: 'Email or name contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;
}

export class PersonPageDto {
  @ApiProperty({ type: [PersonDto], description: 'Ordered by email' }) items!: PersonDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor!: string | null;
}

export class SessionsRevokedDto {
  @ApiProperty({ example: 2, description: 'Sessions and API tokens revoked' }) revoked!: number;
}
