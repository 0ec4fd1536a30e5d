import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiError } from './api-error';

/** The bounds of one cursor-paged list endpoint. */
export interface PageRules {
  /** Longest `cursor` accepted (longer: 400 on `cursor`). */
  cursorMaxLength: number;
  /** Largest `limit` accepted (1 is the smallest). */
  maxLimit: number;
  /** Page size without `limit`. */
  defaultLimit: number;
}

/** The fields every cursor-paged list query has. */
export interface CursorPageQuery {
  cursor?: string;
  limit?: number;
}

/**
 * The base class of a cursor-paged list query: `cursor` (nextCursor of the previous page) and `limit` (page size),
 * validated and documented with the endpoint's bounds. A query DTO extends it with its own filters:
 * `class PeopleQueryDto extends CursorPageQueryDto(PEOPLE_PAGE) { ... }`.
 */
export function CursorPageQueryDto(rules: PageRules): new () => CursorPageQuery {
  class PageQuery implements CursorPageQuery {
    @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
    @IsOptional()
    @IsString()
    @MaxLength(rules.cursorMaxLength)
    cursor?: string;

    @ApiPropertyOptional({ minimum: 1, maximum: rules.maxLimit, default: rules.defaultLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(rules.maxLimit)
    limit?: number;
  }
  return PageQuery;
}

/** The 400 answer to a cursor this endpoint did not hand out. */
export const invalidCursor = (): ApiError =>
  ApiError.invalid([{ field: 'cursor', rule: 'must be a nextCursor returned by this endpoint', message: 'harus nilai nextCursor dari halaman sebelumnya' }]);

/** A page cursor: the keyset parts of the last row joined by '|', base64url-encoded. */
export const encodeCursor = (parts: readonly string[]): string => Buffer.from(parts.join('|'), 'utf8').toString('base64url');

/**
 * The parts of a cursor made by encodeCursor from `count` parts, split on '|' (a one-part cursor is its whole text,
 * '|' included: an email may hold one). invalidCursor() when there are fewer than `count` parts or `valid` refuses
 * them; any parts beyond `count` reach `valid` too, which decides whether they are allowed.
 */
export function decodeCursor(cursor: string, count: number, valid: (parts: string[]) => boolean): string[] {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = count === 1 ? [text] : text.split('|');
  if (parts.length < count || !valid(parts)) throw invalidCursor();
  return parts;
}
