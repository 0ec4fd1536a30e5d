import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Req, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Actor, CurrentActor } from '../auth/actor';
import { ApiError } from '../common/api-error';
import { ProblemDto } from '../common/problem.dto';
import { CreateUnitDto, ImportProblemDto, ImportResultDto, ImportUnitsQueryDto, UnitDto, UnitPageDto, UnitQueryDto, UpdateUnitDto } from './unit.dto';
import { MAX_IMPORT_BYTES, UnitsImportService, decodeCsv } from './units-import.service';
import { UnitsService } from './units.service';

/** Media types a CSV body may come with (browsers and Excel disagree). */
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel'];

const tooLarge = () =>
  new ApiError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'PAYLOAD_TOO_LARGE',
    { id: 'Permintaan terlalu besar', en: 'Request too large' },
    { id: `Berkas impor melebihi ${MAX_IMPORT_BYTES / 1024 / 1024} MB; bagi menjadi beberapa berkas.`, en: `The import file exceeds ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into several files.` },
  );

/** Reads a raw request body up to `limit` bytes (the API parses JSON and YAML bodies only). */
function readBody(req: Request, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
  if (typeof req.body === 'string') return Promise.resolve(Buffer.from(req.body, 'utf8'));
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume(); // discard the rest, so the connection can carry the 413 answer
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

const IMPORT_EXAMPLE = [
  'code,name,kind,parent_code,time_zone',
  '63.72.05.1004,Guntung Paikat,kelurahan,63.72.05,',
  '63.72.05,Banjarbaru Selatan,kecamatan,63.72,WITA',
].join('\n');

@ApiTags('units')
@Controller('units')
export class UnitsController {
  constructor(
    private readonly units: UnitsService,
    private readonly importer: UnitsImportService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register a unit (kelurahan, kecamatan, SKPD, ...)',
    description: 'Needs an administrator over the parent unit; a top-level unit (no parent) needs an administrator everywhere. Audited as unit.created.',
  })
  @ApiCreatedResponse({ type: UnitDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid field, or the parent does not exist (VALIDATION_FAILED)' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Not an administrator over the parent (FORBIDDEN)' })
  @ApiConflictResponse({ type: ProblemDto, description: 'A unit with this code exists (UNIT_EXISTS)' })
  create(@Body() dto: CreateUnitDto, @CurrentActor() actor: Actor): Promise<UnitDto> {
    return this.units.create(dto, actor);
  }

  @Get()
  @ApiOperation({
    summary: 'List units, a page at a time, ordered by code',
    description: 'For everyone signed in. Filters combine: direct children of parentCode, a kind, the whole subtree `under` a code (the unit itself included), name or code containing `q`.',
  })
  @ApiOkResponse({ type: UnitPageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid filter or cursor' })
  list(@Query() query: UnitQueryDto): Promise<UnitPageDto> {
    return this.units.list(query);
  }

  @Post('import')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 } }))
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiOperation({
    summary: 'Import units from a CSV file (create, update, leave unchanged), in one transaction',
    description:
      'The body is the CSV file itself (Content-Type: text/csv) or a multipart form with the file in the field `file`; at most 5 MB and 10,000 data rows. ' +
      'Columns (header row required, any order, Indonesian names accepted): code (kode), name (nama), kind (jenis), parent_code (kode_induk, optional), ' +
      'time_zone (zona_waktu, optional: Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura, WIB, WITA, WIT). Comma, semicolon and tab separators are recognised; ' +
      'rows may come in any order (children before parents). Row numbers are spreadsheet rows: the header is row 1.\n\n' +
      'Every new unit needs an administrator over its parent (everywhere for a top-level unit), every changed unit one over the unit, every move one over both parents; ' +
      "other rows are errors with the rule 'outside your administrative scope'.\n\n" +
      'mode=all-or-nothing (default): any invalid row rejects the whole file with 422 IMPORT_REJECTED and every problem in `errors`; nothing is saved. ' +
      "mode=valid-only: the valid rows are saved (a row whose parent row is rejected is rejected too, rule 'parent row rejected') and the others reported in `errors` with 200. " +
      'A file that cannot be read at all (no header, wrong columns, broken quotes, too many rows) is 422 in both modes. dryRun=true answers exactly as the import would, saving nothing. ' +
      'Importing the same file twice changes nothing the second time. Audited as one units.imported event.',
    requestBody: {
      required: true,
      content: {
        'text/csv': { schema: { type: 'string', example: IMPORT_EXAMPLE } },
        'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'The CSV file' } } } },
      },
    },
  })
  @ApiOkResponse({ type: ImportResultDto, description: 'Imported (or, with dryRun=true, planned); in valid-only mode `errors` lists the rows left out' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid mode or dryRun, or a multipart form without the field file' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Not an administrator anywhere' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Units were added concurrently; nothing was saved, try again (UNITS_CHANGED)' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'More than 5 MB' })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'Neither text/csv nor multipart/form-data' })
  @ApiUnprocessableEntityResponse({ type: ImportProblemDto, description: 'Rejected, nothing saved (IMPORT_REJECTED): invalid rows in all-or-nothing mode, or an unreadable file' })
  async import(@Req() req: Request, @Query() query: ImportUnitsQueryDto, @CurrentActor() actor: Actor, @UploadedFile() file?: { buffer: Buffer }): Promise<ImportResultDto> {
    let bytes: Buffer;
    if (req.is('multipart/form-data')) {
      if (!file) {
        throw ApiError.invalid([{ field: 'file', rule: 'a multipart import needs the CSV file in the field "file"', message: 'unggah berkas CSV pada field "file"' }]);
      }
      bytes = file.buffer;
    } else if (req.is(CSV_TYPES)) {
      bytes = await readBody(req, MAX_IMPORT_BYTES);
    } else {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_MEDIA_TYPE',
        { id: 'Jenis isi tidak didukung', en: 'Unsupported media type' },
        { id: 'Kirim berkas CSV sebagai Content-Type: text/csv, atau sebagai multipart/form-data pada field "file".', en: 'Send the CSV file as Content-Type: text/csv, or as multipart/form-data in the field "file".' },
      );
    }
    return this.importer.import(decodeCsv(bytes), { mode: query.mode ?? 'all-or-nothing', dryRun: query.dryRun ?? false }, actor);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One unit by its code' })
  @ApiOkResponse({ type: UnitDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('code') code: string): Promise<UnitDto> {
    return this.units.get(code);
  }

  @Patch(':code')
  @ApiOperation({
    summary: 'Change a unit: name, kind, time zone, or move it under another parent (parentCode null = top level)',
    description:
      'Needs an administrator over the unit; a move needs one over both the old and the new parent (everywhere for the top level). ' +
      'A move under the unit itself or one of its descendants is refused (400). Audited as unit.updated with before and after.',
  })
  @ApiOkResponse({ type: UnitDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid field, unknown parent, or a move that would make a loop' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  update(@Param('code') code: string, @Body() dto: UpdateUnitDto, @CurrentActor() actor: Actor): Promise<UnitDto> {
    return this.units.update(code, dto, actor);
  }

  @Delete(':code')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a unit that nothing depends on',
    description: 'Needs an administrator over the unit. Refused (409 UNIT_IN_USE) while the unit has child units, programme cases or role assignments. Audited as unit.deleted.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Child units, cases or role assignments remain (UNIT_IN_USE)' })
  async remove(@Param('code') code: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.units.remove(code, actor);
  }
}
