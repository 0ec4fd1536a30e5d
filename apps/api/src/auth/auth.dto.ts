import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PasswordSignInDto {
  @ApiProperty({ example: 'koordinator@banjarbarukota.go.id' }) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ example: 'kata-sandi-rahasia' }) @IsString() @IsNotEmpty() @MaxLength(200) password!: string;
}

export class SignInLinkRequestDto {
  @ApiProperty({ example: 'lurah.loktabat@banjarbarukota.go.id' }) @IsEmail() @MaxLength(254) email!: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'Dasbor Bagian Organisasi', description: 'A label to recognise the token by' }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: 'Days until the token expires; omitted = until revoked' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  expiresInDays?: number;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when the account already has a password' }) @IsOptional() @IsString() @MaxLength(200) currentPassword?: string;
  @ApiProperty({ minLength: 10, maxLength: 200 }) @IsString() @MaxLength(200) newPassword!: string;
}

export class SessionTokenDto {
  @ApiProperty({ description: 'The bearer token; shown once, never stored in clear' }) token!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty({ enum: ['SESSION', 'API_TOKEN'] }) kind!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
}

export class SessionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['SESSION', 'API_TOKEN'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ description: 'password, link or token' }) method!: string;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastUsedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ description: 'The session this request was made with' }) current!: boolean;
}

export class RoleGrantDto {
  @ApiProperty({ enum: ['ADMIN', 'COORDINATOR', 'REVIEWER', 'UNIT_HEAD', 'UNIT_STAFF', 'OBSERVER'] }) role!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null = everywhere' }) unitCode!: string | null;
}

export class MeDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['id', 'en'] }) locale!: string;
  @ApiProperty({ type: [RoleGrantDto] }) roles!: RoleGrantDto[];
  @ApiProperty({ enum: ['SESSION', 'API_TOKEN'] }) via!: string;
}
