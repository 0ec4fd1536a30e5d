import { Injectable } from '@nestjs/common';
import { db } from '@kawal/database';
import { AccessService } from '../access/access.service';
import { DIRECTORY_ADMINS, Role } from '../access/policy';
import type { Actor } from '../auth/actor';
import { AuthService, assertPasswordRules } from '../auth/auth.service';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/api-error';
import { UnitsRepository } from '../units/units.repository';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { CreatePersonDto, PEOPLE_PAGE, PeopleQueryDto, PersonDto, PersonPageDto, RoleAssignmentDto, SessionsRevokedDto, UpdatePersonDto } from './person.dto';
import { PeopleRepository } from './people.repository';

/** Roles that may list and look up people (in their scope). */
export const PEOPLE_READERS: readonly Role[] = ['ADMIN', 'COORDINATOR'];

type PersonRow = NonNullable<Awaited<ReturnType<PeopleRepository['byEmail']>>>;
const toDto = (p: PersonRow): PersonDto => ({
  id: p.id,
  email: p.email,
  name: p.name,
  locale: p.locale,
  roles: p.roles.map((r) => ({ role: r.role, unitCode: r.unit?.code ?? null })),
  disabled: p.disabledAt !== null,
  disabledAt: p.disabledAt?.toISOString() ?? null,
});
/** What the audit trail keeps of a person (never the password hash). */
const snapshot = (p: PersonRow) => {
  const { id, ...rest } = toDto(p);
  return { personId: id, ...rest };
};

const PERSON_TEXT = { id: 'Orang', en: 'Person' };
/** People pages: keyset on the email; a cursor must be the exact encoding of an email. */
const decodePersonCursor = (cursor: string): string => decodeCursor(cursor, 1, ([email]) => email !== '' && encodeCursor([email]) === cursor)[0];

const isGlobal = (actor: Actor, roles: readonly Role[]) => actor.grants.some((g) => roles.includes(g.role) && g.unitId === null);
const grantKey = (g: { role: string; unitId: string | null }) => `${g.role}/${g.unitId ?? '*'}`;

/**
 * People and their role assignments. Administrators (DIRECTORY_ADMINS) manage the people of their units: every unit a
 * change touches (a role granted or removed, or every unit the person holds a role on for a change to the person
 * themself) must lie in their scope, and roles everywhere (no unit) are the business of administrators everywhere.
 * Administrators and coordinators may read the people of their units. Every change is audited on the admin chain.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly repo: PeopleRepository,
    private readonly units: UnitsRepository,
    private readonly auth: AuthService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  // ------------------------------------------------------------------------------------------------ scope rules

  private notAdmin(actor: Actor): ApiError {
    return ApiError.forbidden({ id: `${actor.email} tidak berwenang mengelola orang: hanya administrator.`, en: `${actor.email} may not manage people: administrators only.` });
  }

  /** Throws 403 unless the actor is an administrator over every one of these units (null = everywhere). */
  private async assertAdminOverUnits(actor: Actor, unitIds: Array<string | null>, codes: Map<string, string>): Promise<void> {
    if (isGlobal(actor, DIRECTORY_ADMINS)) return;
    if (unitIds.includes(null)) {
      throw ApiError.forbidden({
        id: `${actor.email} tidak berwenang memberi atau mencabut peran tanpa batas unit (berlaku di mana saja): hanya administrator pusat.`,
        en: `${actor.email} may not grant or remove roles without a unit (valid everywhere): administrators everywhere only.`,
      });
    }
    const outside = await this.access.outsideScope(actor.grants, DIRECTORY_ADMINS, [...new Set(unitIds as string[])]);
    if (outside.length > 0) {
      const names = outside.map((id) => codes.get(id) ?? id).join(', ');
      throw ApiError.forbidden({
        id: `${actor.email} bukan administrator atas unit ${names}, jadi tidak boleh memberi atau mencabut peran di sana.`,
        en: `${actor.email} is not an administrator over ${names}, so may not grant or remove roles there.`,
      });
    }
  }

  /** Administrator over the person: everywhere, or over every unit they hold a role on (and they hold none everywhere). */
  private async adminOverPerson(actor: Actor, person: PersonRow): Promise<boolean> {
    if (isGlobal(actor, DIRECTORY_ADMINS)) return true;
    if (!this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) return false;
    if (person.roles.length === 0 || person.roles.some((r) => r.unitId === null)) return false;
    return (await this.access.outsideScope(actor.grants, DIRECTORY_ADMINS, person.roles.map((r) => r.unitId!))).length === 0;
  }

  /** May the actor see the person? Themself, or an administrator or coordinator over one of the units they hold a role on. */
  private async mayRead(actor: Actor, person: PersonRow): Promise<boolean> {
    if (person.id === actor.personId || isGlobal(actor, PEOPLE_READERS)) return true;
    const unitIds = person.roles.flatMap((r) => (r.unitId ? [r.unitId] : []));
    if (unitIds.length === 0 || !this.access.holdsAnywhere(actor, PEOPLE_READERS)) return false;
    return (await this.access.outsideScope(actor.grants, PEOPLE_READERS, unitIds)).length < unitIds.length;
  }

  /** The person, when the actor may see them (else 404: existence is not revealed). */
  private async visible(email: string, actor: Actor): Promise<PersonRow> {
    const person = await this.repo.byEmail(email);
    if (!person || !(await this.mayRead(actor, person))) throw ApiError.notFound(PERSON_TEXT, email);
    return person;
  }

  /** Role codes to unit ids (400 naming the entry when a unit does not exist), deduplicated. */
  private async resolveRoles(roles: RoleAssignmentDto[]): Promise<{ grants: Array<{ role: db.Role; unitId: string | null }>; codes: Map<string, string> }> {
    const wanted = [...new Set(roles.flatMap((r) => (r.unitCode ? [r.unitCode] : [])))];
    const found = new Map((await this.units.byCodes(wanted)).map((u) => [u.code, u.id]));
    const missing = roles.findIndex((r) => !!r.unitCode && !found.has(r.unitCode));
    if (missing >= 0) {
      const code = roles[missing].unitCode!;
      throw ApiError.invalid([{ field: `roles[${missing}].unitCode`, rule: `must name an existing unit; ${code} does not exist`, message: `harus kode unit yang sudah ada; ${code} tidak ditemukan` }]);
    }
    const grants = roles.map((r) => ({ role: r.role as db.Role, unitId: r.unitCode ? found.get(r.unitCode)! : null }));
    return { grants: [...new Map(grants.map((g) => [grantKey(g), g])).values()], codes: new Map([...found].map(([code, id]) => [id, code])) };
  }

  // --------------------------------------------------------------------------------------------------- commands

  async create(dto: CreatePersonDto, actor: Actor): Promise<PersonDto> {
    if (!this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) throw this.notAdmin(actor);
    const { grants, codes } = await this.resolveRoles(dto.roles);
    await this.assertAdminOverUnits(actor, grants.map((g) => g.unitId), codes);
    if (dto.password !== undefined) assertPasswordRules(dto.password, dto.email, 'password');
    const conflict = () => ApiError.conflict('PERSON_EXISTS', { id: `Orang dengan email ${dto.email} sudah terdaftar.`, en: `A person with email ${dto.email} already exists.` });
    if (await this.repo.byEmail(dto.email)) throw conflict();
    const passwordHash = dto.password !== undefined ? await this.auth.hashPassword(dto.password) : undefined;
    try {
      return await this.repo.prisma.$transaction(async (tx) => {
        const created = await this.repo.create({ email: dto.email, name: dto.name, locale: dto.locale ?? 'id', roles: grants, passwordHash }, tx);
        await this.audit.record({ actor, action: 'person.created', after: snapshot(created) }, tx);
        return toDto(created);
      });
    } catch (err) {
      if (err instanceof db.Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw conflict();
      throw err;
    }
  }

  async update(email: string, dto: UpdatePersonDto, actor: Actor): Promise<PersonDto> {
    const self = email.toLowerCase() === actor.email.toLowerCase();
    if (!self && !this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) throw this.notAdmin(actor);
    const person = await this.visible(email, actor);
    const adminOver = await this.adminOverPerson(actor, person);
    if (dto.disabled !== undefined && self && dto.disabled) {
      throw ApiError.conflict('CANNOT_DISABLE_SELF', { id: 'Anda tidak dapat menonaktifkan akun Anda sendiri.', en: 'You cannot disable your own account.' });
    }
    if (!adminOver && !(self && dto.disabled !== true)) {
      throw ApiError.forbidden({
        id: `${actor.email} bukan administrator atas semua unit tempat ${person.email} memegang peran, jadi tidak boleh mengubahnya.`,
        en: `${actor.email} is not an administrator over every unit ${person.email} holds a role on, so may not change them.`,
      });
    }

    const data: { name?: string; locale?: string; disabledAt?: Date | null } = {};
    if (dto.name !== undefined && dto.name !== person.name) data.name = dto.name;
    if (dto.locale !== undefined && dto.locale !== person.locale) data.locale = dto.locale;
    const disabling = dto.disabled === true && person.disabledAt === null;
    const enabling = dto.disabled === false && person.disabledAt !== null;
    if (disabling) data.disabledAt = new Date();
    if (enabling) data.disabledAt = null;
    if (Object.keys(data).length === 0) return toDto(person);

    const updated = await this.repo.prisma.$transaction(async (tx) => {
      const after = await this.repo.update(person.id, data, tx);
      const action = disabling ? 'person.disabled' : enabling ? 'person.enabled' : 'person.updated';
      await this.audit.record({ actor, action, before: snapshot(person), after: snapshot(after) }, tx);
      return after;
    });
    // A disabled person's tokens already stop working (AuthService checks disabledAt); revoking them makes it permanent.
    if (disabling) await this.auth.revokeAll(person.id);
    return toDto(updated);
  }

  /**
   * Replaces the person's role assignments. Every grant removed and every grant added must lie in the actor's scope
   * (grants that stay need not). An administrator may give a role in their units to someone they cannot see yet (a
   * transfer from elsewhere); anything else about people outside their scope is answered 404.
   */
  async replaceRoles(email: string, roles: RoleAssignmentDto[], actor: Actor): Promise<PersonDto> {
    if (!this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) throw this.notAdmin(actor);
    const { grants, codes } = await this.resolveRoles(roles);
    const found = await this.repo.byEmail(email);
    if (!found) throw ApiError.notFound(PERSON_TEXT, email);
    const readable = await this.mayRead(actor, found);

    return this.repo.prisma.$transaction(async (tx) => {
      await this.repo.lock(found.id, tx);
      const person = (await this.repo.byEmail(found.email, tx))!;
      for (const r of person.roles) if (r.unitId && r.unit) codes.set(r.unitId, r.unit.code);
      const wanted = new Set(grants.map(grantKey));
      const current = new Set(person.roles.map(grantKey));
      const removed = person.roles.filter((r) => !wanted.has(grantKey(r)));
      const added = grants.filter((g) => !current.has(grantKey(g)));
      if (!readable && added.length === 0) throw ApiError.notFound(PERSON_TEXT, email);
      if (removed.length === 0 && added.length === 0) return toDto(person);
      try {
        await this.assertAdminOverUnits(actor, [...removed, ...added].map((g) => g.unitId), codes);
      } catch (err) {
        throw readable ? err : ApiError.notFound(PERSON_TEXT, email);
      }
      if (person.id === actor.personId && removed.some((r) => r.role === 'ADMIN' && r.unitId === null) && !grants.some((g) => g.role === 'ADMIN' && g.unitId === null)) {
        throw ApiError.conflict('LAST_GLOBAL_ADMIN_ROLE', {
          id: 'Anda tidak dapat mencabut peran administrator pusat Anda sendiri; minta administrator pusat lain melakukannya.',
          en: 'You cannot remove your own role as administrator everywhere; ask another administrator everywhere to do it.',
        });
      }
      const after = await this.repo.changeRoles(person.id, removed.map((r) => r.id), added, tx);
      await this.audit.record({ actor, action: 'person.roles-changed', before: snapshot(person), after: snapshot(after) }, tx);
      return toDto(after);
    });
  }

  async revokeSessions(email: string, actor: Actor): Promise<SessionsRevokedDto> {
    const self = email.toLowerCase() === actor.email.toLowerCase();
    if (!self && !this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) throw this.notAdmin(actor);
    const person = await this.visible(email, actor);
    if (!self && !(await this.adminOverPerson(actor, person))) {
      throw ApiError.forbidden({
        id: `${actor.email} bukan administrator atas semua unit tempat ${person.email} memegang peran.`,
        en: `${actor.email} is not an administrator over every unit ${person.email} holds a role on.`,
      });
    }
    const revoked = await this.auth.revokeAll(person.id);
    await this.audit.record({ actor, action: 'person.sessions-revoked', before: { email: person.email }, after: { email: person.email, revoked } });
    return { revoked };
  }

  // ------------------------------------------------------------------------------------------------------ reads

  async get(email: string, actor: Actor): Promise<PersonDto> {
    const self = email.toLowerCase() === actor.email.toLowerCase();
    if (!self && !this.access.holdsAnywhere(actor, PEOPLE_READERS)) {
      throw ApiError.forbidden({ id: `${actor.email} hanya dapat melihat datanya sendiri.`, en: `${actor.email} may see their own record only.` });
    }
    return toDto(await this.visible(email, actor));
  }

  async list(q: PeopleQueryDto, actor: Actor): Promise<PersonPageDto> {
    const scope = this.access.scopeOf(actor, PEOPLE_READERS);
    if (scope.length === 0) {
      throw ApiError.forbidden({ id: `${actor.email} tidak berwenang melihat daftar orang: hanya administrator dan koordinator.`, en: `${actor.email} may not list people: administrators and coordinators only.` });
    }
    const limit = q.limit ?? PEOPLE_PAGE.defaultLimit;
    const rows = await this.repo.page({
      scope: scope.includes(null) ? null : (scope as string[]),
      unitCode: q.unitCode,
      role: q.role as db.Role | undefined,
      q: q.q,
      after: q.cursor ? decodePersonCursor(q.cursor) : undefined,
      limit,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toDto), nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].email]) : null };
  }
}
