import { Injectable } from '@nestjs/common';
import { timeZoneForUnitCode } from '@kawal/domain';
import { db } from '@kawal/database';
import { AccessService } from '../access/access.service';
import { DIRECTORY_ADMINS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/api-error';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { CreateUnitDto, UNITS_PAGE, UnitDto, UnitKind, UnitPageDto, UnitQueryDto, UpdateUnitDto } from './unit.dto';
import { UnitsRepository } from './units.repository';

type UnitRow = NonNullable<Awaited<ReturnType<UnitsRepository['byCode']>>>;
const toDto = (u: UnitRow): UnitDto => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, parentCode: u.parent?.code ?? null, timeZone: u.timeZone });

/** Unit pages: keyset on the unit code; a cursor must be the exact encoding of a code. */
const decodeUnitCursor = (cursor: string): string => decodeCursor(cursor, 1, ([code]) => code !== '' && encodeCursor([code]) === cursor)[0];

export const isUniqueViolation = (err: unknown): boolean => err instanceof db.Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

const UNIT_TEXT = { id: 'Unit', en: 'Unit' };

/** Does the actor hold a directory-administrator role everywhere (no unit)? */
export const isGlobalAdmin = (actor: Actor): boolean => actor.grants.some((g) => DIRECTORY_ADMINS.includes(g.role) && g.unitId === null);

/**
 * The unit directory. Anyone signed in may read it; changes need an administrator (DIRECTORY_ADMINS) over the place
 * of the change: the parent for a new unit, the unit itself for a change or removal, both the old and the new parent
 * for a move. A top-level unit (no parent) is the business of an administrator everywhere. Every change is audited
 * on the admin chain in the same transaction.
 */
@Injectable()
export class UnitsService {
  constructor(
    private readonly repo: UnitsRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** Is the actor an administrator over this unit (or, for null, over the top level: everywhere)? */
  private async adminOver(actor: Actor, unitId: string | null): Promise<boolean> {
    return unitId === null ? isGlobalAdmin(actor) : this.access.holdsOnUnit(actor, DIRECTORY_ADMINS, unitId);
  }

  private async assertAdminOver(actor: Actor, unit: { id: string; code: string; name: string } | null, doing: { id: string; en: string }): Promise<void> {
    if (await this.adminOver(actor, unit?.id ?? null)) return;
    throw ApiError.forbidden(
      unit === null
        ? {
            id: `${actor.email} tidak berwenang ${doing.id}: unit tingkat teratas (tanpa induk) hanya dapat diatur administrator pusat.`,
            en: `${actor.email} may not ${doing.en}: top-level units (without a parent) are managed by administrators everywhere only.`,
          }
        : {
            id: `${actor.email} tidak berwenang ${doing.id}: hanya administrator di ${unit.code} ${unit.name} atau di atasnya yang boleh.`,
            en: `${actor.email} may not ${doing.en}: only administrators of ${unit.code} ${unit.name} or above may.`,
          },
    );
  }

  private async parentOf(code: string, field = 'parentCode'): Promise<UnitRow> {
    const parent = await this.repo.byCode(code);
    if (!parent) {
      throw ApiError.invalid([{ field, rule: `must name an existing unit; ${code} does not exist`, message: `harus kode unit yang sudah ada; ${code} tidak ditemukan` }]);
    }
    return parent;
  }

  async create(dto: CreateUnitDto, actor: Actor): Promise<UnitDto> {
    const parent = dto.parentCode ? await this.parentOf(dto.parentCode) : null;
    await this.assertAdminOver(actor, parent, { id: 'menambah unit di sini', en: 'add a unit here' });
    const conflict = () => ApiError.conflict('UNIT_EXISTS', { id: `Unit dengan kode ${dto.code} sudah ada.`, en: `A unit with code ${dto.code} already exists.` });
    if (await this.repo.byCode(dto.code)) throw conflict();
    try {
      return await this.repo.prisma.$transaction(async (tx) => {
        const created = toDto(
          await this.repo.create({ code: dto.code, name: dto.name, kind: dto.kind, parentId: parent?.id ?? null, timeZone: dto.timeZone ?? timeZoneForUnitCode(dto.code) }, tx),
        );
        await this.audit.record({ actor, action: 'unit.created', after: created }, tx);
        return created;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict();
      throw err;
    }
  }

  async get(code: string): Promise<UnitDto> {
    const unit = await this.repo.byCode(code);
    if (!unit) throw ApiError.notFound(UNIT_TEXT, code);
    return toDto(unit);
  }

  async list(q: UnitQueryDto): Promise<UnitPageDto> {
    const limit = q.limit ?? UNITS_PAGE.defaultLimit;
    const rows = await this.repo.page({
      parentCode: q.parentCode,
      kind: q.kind as db.UnitKind | undefined,
      under: q.under,
      q: q.q,
      after: q.cursor ? decodeUnitCursor(q.cursor) : undefined,
      limit,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((u) => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, parentCode: u.parentCode, timeZone: u.timeZone })),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].code]) : null,
    };
  }

  async update(code: string, dto: UpdateUnitDto, actor: Actor): Promise<UnitDto> {
    const unit = await this.repo.byCode(code);
    if (!unit) throw ApiError.notFound(UNIT_TEXT, code);
    await this.assertAdminOver(actor, unit, { id: `mengubah unit ${unit.code}`, en: `change unit ${unit.code}` });

    const currentParentCode = unit.parent?.code ?? null;
    const moving = dto.parentCode !== undefined && dto.parentCode !== currentParentCode;
    let newParent: UnitRow | null = null;
    if (moving && dto.parentCode) {
      newParent = await this.parentOf(dto.parentCode);
      if (newParent.id === unit.id || (await this.repo.isInSubtree(unit.id, newParent.id))) {
        throw ApiError.invalid([
          {
            field: 'parentCode',
            rule: `must not be ${unit.code} itself or a unit under it (the hierarchy would loop)`,
            message: `tidak boleh ${unit.code} sendiri atau unit di bawahnya: hubungan induk akan berputar`,
          },
        ]);
      }
    }
    if (moving) {
      const oldParent = unit.parentId ? await this.repo.byCode(currentParentCode!) : null;
      await this.assertAdminOver(actor, oldParent, { id: `memindahkan unit ${unit.code} dari induknya sekarang`, en: `move unit ${unit.code} away from its current parent` });
      await this.assertAdminOver(actor, newParent, { id: `memindahkan unit ${unit.code} ke induk baru`, en: `move unit ${unit.code} to the new parent` });
    }

    const data: { name?: string; kind?: UnitKind; parentId?: string | null; timeZone?: string } = {};
    if (dto.name !== undefined && dto.name !== unit.name) data.name = dto.name;
    if (dto.kind !== undefined && dto.kind !== unit.kind) data.kind = dto.kind;
    if (dto.timeZone !== undefined && dto.timeZone !== unit.timeZone) data.timeZone = dto.timeZone;
    if (moving) data.parentId = newParent?.id ?? null;
    const before = toDto(unit);
    if (Object.keys(data).length === 0) return before;

    return this.repo.prisma.$transaction(async (tx) => {
      if (moving && newParent) {
        // Checked again under the hierarchy lock: a concurrent move must not close a loop between the two checks.
        await this.repo.lockHierarchy(tx);
        if (await this.repo.isInSubtree(unit.id, newParent.id, tx)) {
          throw ApiError.invalid([{ field: 'parentCode', rule: `must not be a unit under ${unit.code}`, message: `tidak boleh unit di bawah ${unit.code}` }]);
        }
      }
      const after = toDto(await this.repo.update(unit.id, data, tx));
      await this.audit.record({ actor, action: 'unit.updated', before, after }, tx);
      return after;
    });
  }

  async remove(code: string, actor: Actor): Promise<void> {
    const unit = await this.repo.byCode(code);
    if (!unit) throw ApiError.notFound(UNIT_TEXT, code);
    await this.assertAdminOver(actor, unit, { id: `menghapus unit ${unit.code}`, en: `delete unit ${unit.code}` });
    await this.repo.prisma.$transaction(async (tx) => {
      // The row lock makes new children, cases and role assignments of this unit wait until we are done.
      await this.repo.lock(unit.id, tx);
      const d = await this.repo.dependants(unit.id, tx);
      if (d.children + d.cases + d.roles > 0) {
        const id = [d.children && `${d.children} unit di bawahnya`, d.cases && `${d.cases} kasus program`, d.roles && `${d.roles} penugasan peran`].filter(Boolean).join(', ');
        const en = [d.children && `${d.children} child unit(s)`, d.cases && `${d.cases} programme case(s)`, d.roles && `${d.roles} role assignment(s)`].filter(Boolean).join(', ');
        throw ApiError.conflict('UNIT_IN_USE', {
          id: `Unit ${unit.code} tidak dapat dihapus karena masih memiliki ${id}. Pindahkan atau hapus dulu.`,
          en: `Unit ${unit.code} cannot be deleted: it still has ${en}. Move or remove them first.`,
        });
      }
      await this.repo.delete(unit.id, tx);
      await this.audit.record({ actor, action: 'unit.deleted', before: toDto(unit) }, tx);
    });
  }
}
