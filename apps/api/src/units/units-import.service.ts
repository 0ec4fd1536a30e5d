import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { db } from '@kawal/database';
import { UnitCsvPlanItem, UnitCsvResult, UnitCsvRow, isKemendagriCode, parseUnitCsv } from '@kawal/units-csv';
import { AccessService } from '../access/access.service';
import { DIRECTORY_ADMINS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/api-error';
import { ImportErrorDto, ImportMode, ImportResultDto, ImportRowDto, UNIT_CODE_PATTERN } from './unit.dto';
import { Tx, UnitRecord, UnitsRepository } from './units.repository';
import { isGlobalAdmin, isUniqueViolation } from './units.service';

/** Largest import body (text/csv or the multipart file). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** Problems with the file as a whole: nothing can be imported from it, whatever the mode. */
const FILE_RULES: ReadonlySet<string> = new Set(['empty-file', 'too-many-rows', 'csv-syntax', 'missing-column', 'unknown-column', 'duplicate-column']);

export const OUTSIDE_SCOPE = 'outside your administrative scope';
export const PARENT_REJECTED = 'parent row rejected';

/** Who imports: an administrator everywhere, or over the units with these codes (and everything under them). */
export interface ImportScope {
  global: boolean;
  adminCodes: ReadonlySet<string>;
}

export interface ImportDecision {
  /** The file cannot be read at all (header, syntax, size): nothing is imported in any mode. */
  fileRejected: boolean;
  /** Rows to apply, parents before children. */
  accepted: Array<{ row: UnitCsvRow; plan: UnitCsvPlanItem }>;
  /** Every problem, by row. */
  errors: ImportErrorDto[];
  /** Data rows with at least one problem. */
  rejectedRows: number;
}

const importError = (row: number, column: string, rule: string, message: string): ImportErrorDto => ({ row, column, field: `row ${row}: ${column}`, rule, message });

/**
 * Every string in the file that could be a unit code, with the Kemendagri prefixes of each: the units to look up so
 * that parseUnitCsv knows every existing unit the file refers to (its ancestors are loaded with them).
 */
export function candidateCodes(text: string): string[] {
  const out = new Set<string>();
  for (const token of text.split(/[\s,;"']+/)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(token)) continue;
    out.add(token);
    if (isKemendagriCode(token)) {
      const parts = token.split('.');
      for (let n = parts.length - 1; n >= 1; n--) out.add(parts.slice(0, n).join('.'));
    }
  }
  return [...out];
}

/**
 * What of a parsed file may be applied, on top of what parseUnitCsv found: Kawal's code format, the importer's
 * administrative scope, and (once some rows are set aside) parents that will not exist and loops that the set-aside
 * rows would have prevented. Repeats until stable, so every accepted row is checked against the hierarchy exactly as
 * it will be after the import.
 *
 * Scope: a new unit needs an administrator over its parent (everywhere for a top-level unit); a change needs one over
 * the unit; a move needs one over both the old and the new parent. Unchanged rows need nothing.
 */
export function decideImport(parsed: UnitCsvResult, existing: ReadonlyMap<string, { parentCode: string | null }>, scope: ImportScope, mode: ImportMode): ImportDecision {
  const errors: ImportErrorDto[] = parsed.errors.map((e) => importError(e.row, e.field, e.rule, e.message));
  const fileRejected = parsed.errors.some((e) => FILE_RULES.has(e.rule));

  let accepted: Array<{ row: UnitCsvRow; plan: UnitCsvPlanItem }> = [];
  parsed.rows.forEach((row, i) => {
    if (UNIT_CODE_PATTERN.test(row.code)) accepted.push({ row, plan: parsed.plan[i] });
    else {
      errors.push(
        importError(
          row.row,
          'code',
          'code-format',
          `Kode "${row.code}" tidak dapat dipakai di Kawal: dua digit kode provinsi Kemendagri, lalu sampai empat segmen huruf besar, angka atau tanda hubung dipisah titik (mis. 63.72.04.1001 atau 63.72.SKPD-DINKES).`,
        ),
      );
    }
  });

  const adminOnChain = (start: string | null, parentOf: (code: string) => string | null): boolean => {
    if (scope.global) return true;
    const seen = new Set<string>();
    for (let cur = start; cur !== null && !seen.has(cur); cur = parentOf(cur)) {
      if (scope.adminCodes.has(cur)) return true;
      seen.add(cur);
    }
    return false;
  };
  const preParent = (code: string) => existing.get(code)?.parentCode ?? null;

  for (let pass = 0; pass < 10_000; pass++) {
    const byCode = new Map(accepted.map((a) => [a.row.code, a]));
    const postParent = (code: string): string | null => (byCode.has(code) ? byCode.get(code)!.row.parentCode : preParent(code));
    const willExist = (code: string) => existing.has(code) || byCode.has(code);
    const rejected = new Set<string>();

    for (const { row, plan } of accepted) {
      if (plan.action === 'unchanged') continue;
      const reject = (column: string, rule: string, message: string) => {
        errors.push(importError(row.row, column, rule, message));
        rejected.add(row.code);
        byCode.delete(row.code); // rows after it (children come after parents) see it gone at once
      };
      const moves = plan.action === 'create' || plan.changes.includes('parentCode');
      const parent = row.parentCode;
      const top = 'tingkat teratas (tanpa induk)';
      if (moves && parent !== null && !willExist(parent)) {
        reject('parent_code', PARENT_REJECTED, `Baris induk ${parent} di berkas ini ditolak (lihat kesalahannya), jadi unit ${row.code} tidak dapat ${plan.action === 'create' ? 'dibuat' : 'dipindahkan'} di bawahnya.`);
        continue;
      }
      if (moves) {
        const seen = new Set<string>();
        let loops = false;
        for (let cur = postParent(row.code); cur !== null && !seen.has(cur); cur = postParent(cur)) {
          if (cur === row.code) {
            loops = true;
            break;
          }
          seen.add(cur);
        }
        if (loops) {
          reject('parent_code', 'parent-cycle', `Tanpa baris lain yang ditolak, hubungan induk ${row.code} → ${parent} akan berputar. Perbaiki baris lain itu dulu.`);
          continue;
        }
      }
      if (plan.action === 'create') {
        if (!adminOnChain(parent, postParent)) {
          reject(
            'parent_code',
            OUTSIDE_SCOPE,
            parent === null
              ? `Unit ${row.code} akan menjadi unit ${top}; hanya administrator pusat yang boleh membuatnya.`
              : `Anda bukan administrator di ${parent} atau di atasnya, jadi tidak boleh membuat unit ${row.code} di bawahnya.`,
          );
        }
      } else if (moves) {
        const from = preParent(row.code);
        if (!adminOnChain(from, preParent) || !adminOnChain(parent, postParent)) {
          reject('parent_code', OUTSIDE_SCOPE, `Memindahkan unit ${row.code} dari ${from ?? top} ke ${parent ?? top} memerlukan kewenangan administrator atas keduanya.`);
        }
      } else if (!adminOnChain(row.code, preParent)) {
        reject('code', OUTSIDE_SCOPE, `Anda bukan administrator di ${row.code} atau di atasnya, jadi tidak boleh mengubahnya.`);
      }
    }
    if (rejected.size === 0) break;
    accepted = accepted.filter((a) => !rejected.has(a.row.code));
  }

  // All or nothing: rows set aside only because their parent row failed are not themselves wrong.
  const reported = mode === 'all-or-nothing' && errors.some((e) => e.rule !== PARENT_REJECTED) ? errors.filter((e) => e.rule !== PARENT_REJECTED) : errors;
  reported.sort((a, b) => a.row - b.row);
  return { fileRejected, accepted, errors: reported, rejectedRows: new Set(reported.map((e) => e.row)).size };
}

/** Decodes an uploaded file: UTF-8 (with or without BOM), else Windows-1252 as older Excel versions save it. */
export function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Bulk unit import from CSV (libs/units-csv parses and validates; this applies). One transaction, serialised with
 * moves through the hierarchy lock: new units in topological order, changed ones updated, the rest left alone; one
 * `units.imported` audit event. Importing the same file twice changes nothing the second time.
 */
@Injectable()
export class UnitsImportService {
  constructor(
    private readonly repo: UnitsRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async import(text: string, options: { mode: ImportMode; dryRun: boolean }, actor: Actor): Promise<ImportResultDto> {
    if (!this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) {
      throw ApiError.forbidden({ id: `${actor.email} tidak berwenang mengimpor unit: hanya administrator.`, en: `${actor.email} may not import units: administrators only.` });
    }
    const grantIds = actor.grants.filter((g) => DIRECTORY_ADMINS.includes(g.role) && g.unitId !== null).map((g) => g.unitId!);
    const scope: ImportScope = { global: isGlobalAdmin(actor), adminCodes: new Set((await this.repo.codesOf(grantIds)).values()) };
    const candidates = candidateCodes(text);

    const run = async (tx: Tx): Promise<ImportResultDto> => {
      const known = await this.repo.withAncestors(candidates, tx);
      const existing = new Map<string, UnitRecord>(known.map((u) => [u.code, u]));
      const parsed = parseUnitCsv(text, existing);
      const decision = decideImport(parsed, existing, scope, options.mode);
      if (decision.fileRejected || (options.mode === 'all-or-nothing' && decision.errors.length > 0)) throw this.rejected(decision);

      const rows: ImportRowDto[] = decision.accepted.map(({ plan }) => ({ row: plan.row, code: plan.code, action: plan.action, changes: plan.changes }));
      const count = (action: string) => rows.filter((r) => r.action === action).length;
      const result: ImportResultDto = {
        applied: !options.dryRun,
        dryRun: options.dryRun,
        mode: options.mode,
        created: count('create'),
        updated: count('update'),
        unchanged: count('unchanged'),
        rejected: decision.rejectedRows,
        rows,
        errors: decision.errors,
      };
      if (!options.dryRun && result.created + result.updated > 0) await this.apply(decision, existing, result, actor, tx);
      return result;
    };

    if (options.dryRun) return run(this.repo.prisma);
    try {
      return await this.repo.prisma.$transaction(
        async (tx) => {
          await this.repo.lockHierarchy(tx);
          return run(tx);
        },
        { maxWait: 15_000, timeout: 120_000 },
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw ApiError.conflict('UNITS_CHANGED', {
          id: 'Unit yang sama baru saja ditambahkan oleh orang lain selama impor berjalan; tidak ada yang disimpan. Ulangi impor.',
          en: 'Some of these units were added by someone else while the import ran; nothing was saved. Run the import again.',
        });
      }
      throw err;
    }
  }

  private async apply(decision: ImportDecision, existing: Map<string, UnitRecord>, result: ImportResultDto, actor: Actor, tx: Tx): Promise<void> {
    const ids = new Map<string, string>([...existing.values()].map((u) => [u.code, u.id]));
    const creates: Array<{ id: string; code: string; name: string; kind: db.UnitKind; parentId: string | null; timeZone: string }> = [];
    for (const { row, plan } of decision.accepted) {
      if (plan.action !== 'create') continue;
      const id = randomUUID();
      ids.set(row.code, id);
      creates.push({ id, code: row.code, name: row.name, kind: row.kind, parentId: row.parentCode === null ? null : ids.get(row.parentCode)!, timeZone: row.timeZone });
    }
    const updates = decision.accepted
      .filter((a) => a.plan.action === 'update')
      .map(({ row }) => ({ id: ids.get(row.code)!, name: row.name, kind: row.kind, parentId: row.parentCode === null ? null : ids.get(row.parentCode)!, timeZone: row.timeZone }));
    await this.repo.insertMany(creates, tx);
    await this.repo.updateMany(updates, tx);

    const updated = decision.accepted.filter((a) => a.plan.action === 'update');
    const snapshot = (u: { code: string; name: string; kind: string; parentCode: string | null; timeZone: string }) => ({ code: u.code, name: u.name, kind: u.kind, parentCode: u.parentCode, timeZone: u.timeZone });
    await this.audit.record(
      {
        actor,
        action: 'units.imported',
        before: { updated: updated.map(({ row }) => snapshot(existing.get(row.code)!)) },
        after: {
          mode: result.mode,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: result.rejected,
          createdCodes: creates.map((c) => c.code),
          updatedUnits: updated.map(({ row, plan }) => ({ ...snapshot(row), changes: plan.changes })),
        },
      },
      tx,
    );
  }

  private rejected(decision: ImportDecision): ApiError {
    const total = decision.accepted.length + decision.rejectedRows;
    return new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'IMPORT_REJECTED',
      { id: 'Impor ditolak', en: 'Import rejected' },
      decision.fileRejected
        ? {
            id: `Berkas tidak dapat dibaca; tidak ada yang disimpan. ${decision.errors.map((e) => e.message).join(' ')}`,
            en: `The file cannot be read; nothing was saved. ${decision.errors.map((e) => `${e.field}: ${e.rule}`).join('; ')}`,
          }
        : {
            id: `${decision.rejectedRows} dari ${total} baris bermasalah; tidak ada yang disimpan. Perbaiki baris tersebut, atau impor dengan mode=valid-only untuk menyimpan baris yang benar saja.`,
            en: `${decision.rejectedRows} of ${total} rows have problems; nothing was saved. Fix them, or import with mode=valid-only to save the valid rows only.`,
          },
      decision.errors,
    );
  }
}
