import type { db } from '@kawal/database';

export type Role = db.Role;

/**
 * Who may do what on a unit's case. Roles are scoped to units: a role held on a unit also holds on everything under
 * it ("above" the case's unit means on the unit itself or one of its ancestors); a role held without a unit holds
 * everywhere. The programme's own coordinator may always read, review and decide on its cases.
 * This table is the single place these rules live; test/e2e/permissions.e2e.spec.ts asserts every role × action pair.
 */
export const CASE_POLICY = {
  /** See the case, its tasks, evidence and timeline. */
  'case.read': { atUnit: ['UNIT_HEAD', 'UNIT_STAFF'], aboveUnit: ['REVIEWER', 'COORDINATOR', 'ADMIN', 'OBSERVER'], programmeCoordinator: true },
  /** Upload evidence, submit, ask for an extension: the unit's own people only. */
  'task.work': { atUnit: ['UNIT_HEAD', 'UNIT_STAFF'], aboveUnit: [], programmeCoordinator: false },
  /** Approve or return a submission: a camat reviews only the kelurahan under their kecamatan. */
  'task.review': { atUnit: [], aboveUnit: ['REVIEWER', 'COORDINATOR', 'ADMIN'], programmeCoordinator: true },
  /** Decide extensions, waive, reassign, sign off. */
  'case.decide': { atUnit: [], aboveUnit: ['COORDINATOR', 'ADMIN'], programmeCoordinator: true },
} as const satisfies Record<string, { atUnit: readonly Role[]; aboveUnit: readonly Role[]; programmeCoordinator: boolean }>;

export type CaseAction = keyof typeof CASE_POLICY;

/** Roles that may read a programme's dashboard, export and case list (when their scope reaches one of its units). */
export const PROGRAMME_READERS: readonly Role[] = ['ADMIN', 'COORDINATOR', 'OBSERVER'];
/** Roles that may steer a programme (bulk actions, units joining) besides its own coordinator. */
export const PROGRAMME_STEERERS: readonly Role[] = ['ADMIN'];
/** Roles that may launch programmes for the units in their scope. */
export const LAUNCHERS: readonly Role[] = ['ADMIN', 'COORDINATOR'];
/** Roles that may upload and publish templates (templates are shared by everyone). */
export const TEMPLATE_AUTHORS: readonly Role[] = ['ADMIN', 'COORDINATOR'];
/** Roles that may create, change and remove units and people in their scope. */
export const DIRECTORY_ADMINS: readonly Role[] = ['ADMIN'];
/** Roles that may record a unit's yearly score (e.g. the Ombudsman's published compliance score) in their scope. */
export const SCORE_RECORDERS: readonly Role[] = ['ADMIN', 'COORDINATOR'];
/** Roles that may read the notification log and the directory's audit chain. */
export const LOG_READERS: readonly Role[] = ['ADMIN', 'COORDINATOR'];

export interface RoleGrant {
  role: Role;
  /** null = everywhere. */
  unitId: string | null;
}

/** Does one of the grants hold one of `roles` on a unit whose ancestry (self first) is `ancestry`? */
export function holdsOn(grants: readonly RoleGrant[], roles: readonly Role[], ancestry: readonly string[]): boolean {
  return grants.some((g) => roles.includes(g.role) && (g.unitId === null || ancestry.includes(g.unitId)));
}

/** Does one of the grants hold one of `roles` exactly on the unit? */
export function holdsAt(grants: readonly RoleGrant[], roles: readonly Role[], unitId: string): boolean {
  return grants.some((g) => roles.includes(g.role) && g.unitId === unitId);
}

/** The pure decision for a case action. */
export function mayOnCase(
  action: CaseAction,
  who: { personId: string; grants: readonly RoleGrant[] },
  target: { unitId: string; ancestry: readonly string[]; coordinatorId: string },
): boolean {
  const rule = CASE_POLICY[action];
  if (rule.programmeCoordinator && who.personId === target.coordinatorId) return true;
  return holdsAt(who.grants, rule.atUnit, target.unitId) || holdsOn(who.grants, rule.aboveUnit, target.ancestry);
}
