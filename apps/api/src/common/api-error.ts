import { HttpStatus } from '@nestjs/common';
import type { Locale } from './locale';

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

type Text = Record<Locale, string>;

/**
 * A domain error with a stable code, mapped to an RFC 9457 problem document in one place (ProblemFilter).
 * Title and detail are given in Bahasa Indonesia and English; the request's language picks one.
 */
export class ApiError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    readonly title: Text,
    readonly detail: Text,
    readonly errors?: FieldError[],
    /** Response headers that belong to this error (e.g. Retry-After on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail.en);
    this.name = 'ApiError';
  }

  static notFound(what: Text, id: string): ApiError {
    return new ApiError(
      HttpStatus.NOT_FOUND,
      'NOT_FOUND',
      { id: 'Tidak ditemukan', en: 'Not found' },
      { id: `${what.id} "${id}" tidak ditemukan.`, en: `${what.en} "${id}" was not found.` },
    );
  }

  static conflict(code: string, detail: Text): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, { id: 'Konflik dengan keadaan saat ini', en: 'Conflict with the current state' }, detail);
  }

  static forbidden(detail: Text): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', { id: 'Tidak diizinkan', en: 'Forbidden' }, detail);
  }

  static invalid(errors: FieldError[], detail?: Text): ApiError {
    return new ApiError(
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      { id: 'Masukan tidak valid', en: 'Invalid input' },
      detail ?? {
        id: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        en: errors.map((e) => `${e.field}: ${e.rule}`).join('; '),
      },
      errors,
    );
  }
}

/** Ids in paths are UUIDs; anything else is "not found" without asking the database (which would reject the cast). */
export const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
