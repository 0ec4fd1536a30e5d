import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request, Response } from 'express';
import { ApiError } from './api-error';
import { requestLocale } from './locale';

const STATUS_BY_WORKFLOW_CODE: Record<string, HttpStatus> = {
  TASK_NOT_FOUND: HttpStatus.NOT_FOUND,
  EVIDENCE_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  DUPLICATE_EVIDENCE: HttpStatus.UNPROCESSABLE_ENTITY,
  COMMENT_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  REASON_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  CHECKLIST_INCOMPLETE: HttpStatus.UNPROCESSABLE_ENTITY,
  UNKNOWN_CHECKLIST_ITEM: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_WORKING_DAYS: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_ASSIGNEE: HttpStatus.UNPROCESSABLE_ENTITY,
  SOURCE_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  ITEMS_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_TITLE: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_OWNER: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_DUE: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_DUE_DATE: HttpStatus.UNPROCESSABLE_ENTITY,
  DUE_DATE_PASSED: HttpStatus.UNPROCESSABLE_ENTITY,
};

const WORKFLOW_TITLES: Record<string, { id: string; en: string }> = {
  INVALID_STATE: { id: 'Perintah tidak sesuai dengan status tugas', en: 'Command does not fit the task state' },
  WRONG_REVIEW_LEVEL: { id: 'Tingkat pemeriksaan tidak sesuai', en: 'Wrong review level' },
  CASE_CLOSED: { id: 'Kasus sudah ditutup', en: 'The case is closed' },
  EVIDENCE_REQUIRED: { id: 'Bukti belum cukup', en: 'Not enough evidence' },
  COMMENT_REQUIRED: { id: 'Catatan wajib diisi', en: 'A comment is required' },
  TASK_NOT_FOUND: { id: 'Tugas tidak ditemukan', en: 'Task not found' },
  DUPLICATE_EVIDENCE: { id: 'Bukti tercantum dua kali', en: 'Evidence listed twice' },
  REASON_REQUIRED: { id: 'Alasan wajib diisi', en: 'A reason is required' },
  TASK_BLOCKED: { id: 'Tugas belum dapat dikerjakan', en: 'The task cannot be worked on yet' },
  CHECKLIST_INCOMPLETE: { id: 'Daftar periksa belum lengkap', en: 'Checklist incomplete' },
  UNKNOWN_CHECKLIST_ITEM: { id: 'Butir daftar periksa tidak dikenal', en: 'Unknown checklist item' },
  INVALID_WORKING_DAYS: { id: 'Jumlah hari kerja tidak valid', en: 'Invalid number of working days' },
  EXTENSION_PENDING: { id: 'Permohonan perpanjangan masih menunggu', en: 'An extension request is pending' },
  NO_EXTENSION_REQUEST: { id: 'Tidak ada permohonan perpanjangan', en: 'No extension request' },
  NO_DEADLINE_YET: { id: 'Tugas belum memiliki tenggat', en: 'The task has no deadline yet' },
  INVALID_ASSIGNEE: { id: 'Penerima tugas tidak valid', en: 'Invalid assignee' },
  ALREADY_ASSIGNED: { id: 'Tugas sudah ditugaskan kepada orang itu', en: 'Already assigned to that person' },
  CASE_NOT_COMPLETE: { id: 'Kasus belum selesai', en: 'The case is not complete' },
  CASE_COMPLETED: { id: 'Kasus menunggu pengesahan', en: 'The case awaits sign-off' },
  ALREADY_SUSPENDED: { id: 'Sudah ditangguhkan', en: 'Already suspended' },
  NOT_SUSPENDED: { id: 'Tidak sedang ditangguhkan', en: 'Not suspended' },
  PROGRAMME_SUSPENDED: { id: 'Program sedang ditangguhkan', en: 'The programme is suspended' },
  PROGRAMME_CLOSED: { id: 'Program sudah ditutup', en: 'The programme is closed' },
  PROGRAMME_CLOSING: { id: 'Program sedang ditutup', en: 'The programme is being closed' },
  NO_DESIGNATION: { id: 'Templat tidak memiliki penetapan', en: 'The template has no designation' },
  NOT_DESIGNATED: { id: 'Unit belum memegang penetapan', en: 'The unit does not hold the designation' },
  FOLLOW_UPS_NOT_ALLOWED: { id: 'Templat tidak menerima tindak lanjut tambahan', en: 'The template takes no added follow-ups' },
  TOO_MANY_FOLLOW_UPS: { id: 'Terlalu banyak tindak lanjut', en: 'Too many follow-ups' },
  SOURCE_REQUIRED: { id: 'Sumber catatan wajib diisi', en: 'A source is required' },
  ITEMS_REQUIRED: { id: 'Tindak lanjut wajib diisi', en: 'Follow-ups are required' },
  INVALID_TITLE: { id: 'Judul tidak valid', en: 'Invalid title' },
  INVALID_OWNER: { id: 'Penanggung jawab tidak valid', en: 'Invalid owner' },
  INVALID_DUE: { id: 'Batas waktu tidak valid', en: 'Invalid due date' },
  INVALID_DUE_DATE: { id: 'Tanggal tidak valid', en: 'Invalid date' },
  DUE_DATE_PASSED: { id: 'Tanggal sudah lewat', en: 'The date has passed' },
};

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  errors?: unknown[];
}

/**
 * Every error leaves the API as RFC 9457 application/problem+json with a stable `code`. Known errors keep their
 * meaning; anything else is logged with the request id and answered with a generic 500 (no stack, no SQL).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const locale = requestLocale(req);
    const requestId = String(res.getHeader('x-request-id') ?? req.id ?? '');
    const base = { instance: req.originalUrl, requestId };
    const problem = this.toProblem(exception, locale, base);
    if (problem.status >= 500) {
      this.logger.error(`${req.method} ${req.originalUrl} -> ${problem.status} [${requestId}] ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (exception instanceof ApiError && exception.headers) for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    res.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(exception: unknown, locale: 'id' | 'en', base: { instance: string; requestId: string }): Problem {
    const make = (status: number, code: string, title: string, detail: string, errors?: unknown[]): Problem => ({
      type: `https://kawal.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title,
      status,
      detail,
      code,
      ...base,
      ...(errors ? { errors } : {}),
    });

    if (exception instanceof ApiError) {
      return make(exception.status, exception.code, exception.title[locale], exception.detail[locale], exception.errors);
    }
    if (exception instanceof WorkflowUpdateFailedError && exception.cause instanceof ApplicationFailure) {
      const code = exception.cause.type ?? 'COMMAND_REJECTED';
      const title = WORKFLOW_TITLES[code] ?? { id: 'Perintah ditolak', en: 'Command rejected' };
      const reason = exception.cause.details?.[0] as { id?: string; en?: string } | undefined;
      return make(STATUS_BY_WORKFLOW_CODE[code] ?? HttpStatus.CONFLICT, code, title[locale], reason?.[locale] ?? exception.cause.message);
    }
    if (exception instanceof WorkflowNotFoundError) {
      return make(HttpStatus.CONFLICT, 'CASE_NOT_RUNNING', locale === 'id' ? 'Kasus tidak sedang berjalan' : 'The case is not running', locale === 'id' ? 'Alur kerja kasus ini belum dimulai atau sudah selesai.' : 'The workflow of this case has not started yet or has already ended.');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      if (status === HttpStatus.NOT_FOUND) {
        return make(status, 'ROUTE_NOT_FOUND', locale === 'id' ? 'Alamat tidak ditemukan' : 'Route not found', message);
      }
      if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
        // Multer's file-size limit and the JSON body limit both arrive here (Nest maps them to 413).
        return make(status, 'PAYLOAD_TOO_LARGE', locale === 'id' ? 'Permintaan terlalu besar' : 'Request too large', locale === 'id' ? 'Berkas atau isi permintaan melebihi batas ukuran.' : 'The file or request body exceeds the size limit.');
      }
      if (status === HttpStatus.BAD_REQUEST) {
        // Our own validation raises ApiError; a bare 400 here is Nest's mapping of an unparseable body or URL.
        return make(status, 'MALFORMED_REQUEST', locale === 'id' ? 'Permintaan tidak dapat dibaca' : 'Malformed request', locale === 'id' ? 'Isi permintaan bukan JSON yang valid, atau alamatnya rusak.' : 'The request body is not valid JSON, or the URL is malformed.');
      }
      if (status < 500) {
        return make(status, `HTTP_${status}`, locale === 'id' ? 'Permintaan tidak valid' : 'Bad request', message);
      }
    }
    return make(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'INTERNAL_ERROR',
      locale === 'id' ? 'Terjadi kesalahan pada server' : 'Internal server error',
      locale === 'id' ? `Kesalahan tak terduga. Sebutkan kode permintaan ${base.requestId} saat melapor.` : `Unexpected error. Quote request id ${base.requestId} when reporting it.`,
    );
  }
}
