import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';
import type { Actor } from '../auth/actor';
import { ApiError } from '../common/api-error';
import { CaseAction, PROGRAMME_READERS, PROGRAMME_STEERERS, Role, holdsOn, mayOnCase } from './policy';

const NOT_FOUND_TEXT = { case: { id: 'Kasus', en: 'Case' }, programme: { id: 'Program', en: 'Programme' } } as const;

/** Applies the policy table (policy.ts) to real units: ancestry and subtrees come from the unit hierarchy. */
@Injectable()
export class AccessService {
  constructor(private readonly prisma: PrismaService) {}

  /** The unit and its ancestors, nearest first (one recursive query). */
  async ancestry(unitId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM units WHERE id = ${unitId}::uuid
        UNION ALL
        SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 32
      ) SELECT id::text AS id FROM up ORDER BY depth`;
    return rows.map((r) => r.id);
  }

  /** Every unit under the given ones (themselves included); null when one of them is "everywhere". */
  async subtree(unitIds: ReadonlyArray<string | null>): Promise<string[] | null> {
    if (unitIds.some((u) => u === null)) return null;
    if (unitIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH RECURSIVE down(id, depth) AS (
        SELECT id, 0 FROM units WHERE id = ANY(${unitIds as string[]}::uuid[])
        UNION
        SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id WHERE down.depth < 32
      ) SELECT DISTINCT id::text AS id FROM down`;
    return rows.map((r) => r.id);
  }

  /** The units among `unitIds` that the grants do NOT cover with one of the roles (empty = all covered). */
  async outsideScope(grants: readonly { role: Role; unitId: string | null }[], roles: readonly Role[], unitIds: string[]): Promise<string[]> {
    const scope = grants.filter((g) => roles.includes(g.role)).map((g) => g.unitId);
    if (scope.includes(null)) return [];
    const covered = new Set(await this.subtree(scope));
    return unitIds.filter((id) => !covered.has(id));
  }

  /** The units (or everywhere = null) where the actor holds one of the roles. */
  scopeOf(actor: Actor, roles: readonly Role[]): Array<string | null> {
    return actor.grants.filter((g) => roles.includes(g.role)).map((g) => g.unitId);
  }

  holdsAnywhere(actor: Actor, roles: readonly Role[]): boolean {
    return actor.grants.some((g) => roles.includes(g.role));
  }

  async holdsOnUnit(actor: Actor, roles: readonly Role[], unitId: string): Promise<boolean> {
    if (!this.holdsAnywhere(actor, roles)) return false;
    return holdsOn(actor.grants, roles, await this.ancestry(unitId));
  }

  async mayOnCase(actor: Actor, action: CaseAction, target: { unitId: string; coordinatorId: string }): Promise<boolean> {
    return mayOnCase(action, actor, { ...target, ancestry: await this.ancestry(target.unitId) });
  }

  /**
   * Throws unless the actor may do `action` on the case. Someone who may not even see the case gets a 404 (its
   * existence is not revealed); someone who may see it but not do this gets a 403 naming the rule.
   */
  async assertCase(actor: Actor, action: CaseAction, target: { id: string; unitId: string; unitName: string; coordinatorId: string }): Promise<void> {
    const ancestry = await this.ancestry(target.unitId);
    const t = { unitId: target.unitId, coordinatorId: target.coordinatorId, ancestry };
    if (mayOnCase(action, actor, t)) return;
    if (action === 'case.read' || !mayOnCase('case.read', actor, t)) throw ApiError.notFound(NOT_FOUND_TEXT.case, target.id);
    const what: Record<CaseAction, { id: string; en: string }> = {
      'case.read': { id: 'melihat kasus', en: 'see the case' },
      'task.work': { id: 'mengerjakan tugas (hanya pimpinan dan staf unit)', en: 'work on tasks (the unit head and staff only)' },
      'task.review': { id: 'memeriksa tugas (hanya pemeriksa di atas unit ini)', en: 'review tasks (reviewers above this unit only)' },
      'case.decide': { id: 'memutuskan atas kasus (hanya koordinator)', en: 'decide on the case (coordinators only)' },
    };
    throw ApiError.forbidden({
      id: `${actor.email} tidak berwenang ${what[action].id} untuk ${target.unitName}.`,
      en: `${actor.email} may not ${what[action].en} for ${target.unitName}.`,
    });
  }

  /** May the actor read this programme? Its coordinator, or a reader role whose scope reaches one of its units. */
  async mayReadProgramme(actor: Actor, programme: { id: string; coordinatorId: string }, readers: readonly Role[]): Promise<boolean> {
    if (actor.personId === programme.coordinatorId) return true;
    const scope = this.scopeOf(actor, readers);
    if (scope.length === 0) return false;
    if (scope.includes(null)) return true;
    const rows = await this.prisma.$queryRaw<Array<{ ok: boolean }>>`
      WITH RECURSIVE down(id, depth) AS (
        SELECT id, 0 FROM units WHERE id = ANY(${scope as string[]}::uuid[])
        UNION
        SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id WHERE down.depth < 32
      ) SELECT EXISTS (SELECT 1 FROM cases c JOIN down ON c.unit_id = down.id WHERE c.programme_id = ${programme.id}::uuid) AS ok`;
    return rows[0]?.ok === true;
  }

  async assertProgramme(actor: Actor, programme: { id: string; coordinatorId: string }, kind: 'read' | 'steer'): Promise<void> {
    // Whoever may steer may also read (PROGRAMME_STEERERS are readers), so a permitted steer needs one scope query.
    if (kind === 'steer' && (actor.personId === programme.coordinatorId || (await this.mayReadProgramme(actor, { ...programme, coordinatorId: '' }, PROGRAMME_STEERERS)))) return;
    if (!(await this.mayReadProgramme(actor, programme, PROGRAMME_READERS))) throw ApiError.notFound(NOT_FOUND_TEXT.programme, programme.id);
    if (kind === 'steer') throw ApiError.forbidden({ id: `${actor.email} bukan koordinator program ini.`, en: `${actor.email} is not this programme's coordinator.` });
  }
}
