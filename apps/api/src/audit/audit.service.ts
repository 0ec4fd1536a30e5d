import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';
import type { Actor } from '../auth/actor';

type Tx = Pick<PrismaService, 'auditEvent' | '$queryRaw'>;

export interface AuditEntry {
  actor: Actor | string;
  /** What happened, dotted: unit.created, person.roles-changed, template.published, ... */
  action: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
  programmeId?: string;
  caseId?: string;
  /** Makes a retried write a no-op. */
  idempotencyKey?: string;
}

export interface ChainVerification {
  chain: string;
  length: number;
  valid: boolean;
  /** The first event whose stored hash does not match its content or its predecessor, or whose position is missing. */
  brokenAt: number | null;
  problem: string | null;
  headHash: string | null;
}

const json = (v: unknown) => (v === undefined ? undefined : v === null ? db.Prisma.JsonNull : (JSON.parse(JSON.stringify(v)) as db.Prisma.InputJsonValue));

/**
 * The append-only audit trail. The database chains every event to the previous one of its chain (`case:<id>`,
 * `programme:<id>` or `admin`) by SHA-256 in a trigger and refuses updates and deletes (migration
 * add_auth_evidence_versions_and_audit_chain); this service writes events and verifies chains with the same function.
 */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(entry: AuditEntry, tx: Tx = this.prisma): Promise<void> {
    await tx.auditEvent.createMany({
      data: [
        {
          actor: typeof entry.actor === 'string' ? entry.actor : entry.actor.email,
          action: entry.action,
          reason: entry.reason,
          before: json(entry.before),
          after: json(entry.after),
          programmeId: entry.programmeId,
          caseId: entry.caseId,
          idempotencyKey: entry.idempotencyKey,
        },
      ],
      skipDuplicates: true,
    });
  }

  static chainOfCase(caseId: string): string {
    return `case:${caseId}`;
  }

  static chainOfProgramme(programmeId: string): string {
    return `programme:${programmeId}`;
  }

  /**
   * Recomputes every hash of a chain in order. A changed field, a removed or re-ordered event, or a hash that was
   * recomputed for one row without its successors all show up as the first broken position.
   */
  async verify(chain: string): Promise<ChainVerification> {
    const rows = await this.prisma.$queryRaw<Array<{ seq: number; hash: string; prev_hash: string | null; expected: string }>>`
      SELECT seq, hash, prev_hash,
             kawal_audit_hash(prev_hash, chain, seq, programme_id, case_id, actor, action, reason, before, after, at, idempotency_key) AS expected
        FROM audit_events WHERE chain = ${chain} ORDER BY seq`;
    let previous: string | null = null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const problem =
        r.seq !== i + 1
          ? `event ${i + 1} is missing`
          : r.prev_hash !== previous
            ? `event ${r.seq} does not follow event ${r.seq - 1}`
            : r.hash !== r.expected
              ? `event ${r.seq} was changed after it was written`
              : null;
      if (problem) return { chain, length: rows.length, valid: false, brokenAt: i + 1, problem, headHash: rows[rows.length - 1].hash };
      previous = r.hash;
    }
    return { chain, length: rows.length, valid: true, brokenAt: null, problem: null, headHash: previous };
  }
}
