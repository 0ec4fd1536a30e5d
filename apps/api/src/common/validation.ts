import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldError } from './api-error';

/** Indonesian wording of the class-validator rules the DTOs use; the English rule name comes from class-validator. */
const RULES_ID: Record<string, string> = {
  isString: 'harus berupa teks',
  isNotEmpty: 'wajib diisi',
  isEmail: 'harus berupa alamat email yang valid',
  isIn: 'harus salah satu dari nilai yang diizinkan',
  isEnum: 'harus salah satu dari nilai yang diizinkan',
  isInt: 'harus berupa bilangan bulat',
  min: 'terlalu kecil',
  max: 'terlalu besar',
  maxLength: 'terlalu panjang',
  minLength: 'terlalu pendek',
  matches: 'formatnya tidak sesuai',
  isArray: 'harus berupa daftar',
  arrayMinSize: 'harus berisi paling sedikit satu butir',
  arrayMaxSize: 'berisi terlalu banyak butir',
  arrayUnique: 'tidak boleh berisi nilai yang sama dua kali',
  isUUID: 'harus berupa UUID',
  isDateString: 'harus berupa tanggal (YYYY-MM-DD)',
  isLocalDate: 'harus berupa tanggal kalender yang valid (YYYY-MM-DD)',
  isOptional: '',
  whitelistValidation: 'tidak dikenal; hapus field ini',
  nestedValidation: 'harus berupa objek yang valid',
  isObject: 'harus berupa objek',
};

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, englishMessage]) => ({
      field,
      rule: englishMessage,
      message: RULES_ID[rule] ? `${RULES_ID[rule]} (${rule})` : englishMessage,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Validates and transforms every body/query DTO; unknown fields are refused; errors name the field and rule. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => ApiError.invalid(flatten(errors)),
  });
}
