import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { PrismaService } from '@kawal/database';
import { Mailer } from '@kawal/mail';
import { EvidenceStorage } from '@kawal/storage';
import { TemporalClientService } from '../temporal/temporal-client.service';

export class DependencyHealth {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ description: 'Round-trip time of the check in milliseconds' }) latencyMs!: number;
  @ApiProperty({ required: false, description: 'Why it is down' }) error?: string;
}

export class HealthDependencies {
  @ApiProperty({ type: DependencyHealth }) temporal!: DependencyHealth;
  @ApiProperty({ type: DependencyHealth }) database!: DependencyHealth;
  @ApiProperty({ type: DependencyHealth }) mail!: DependencyHealth;
  @ApiProperty({ type: DependencyHealth, description: 'Evidence storage: the local directory or the S3 bucket' }) storage!: DependencyHealth;
}

export class OutboxHealth {
  @ApiProperty({ description: 'Emails that failed at least once and are still being retried' }) retrying!: number;
  @ApiProperty({ description: 'Emails given up on (address refused, or not delivered within MAIL_DEAD_AFTER_MINUTES)' }) dead!: number;
  @ApiProperty({ nullable: true, description: 'When the most recent email was given up on' }) lastDeadAt!: string | null;
}

export class HealthReport {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' }) checkedAt!: string;
  @ApiProperty({ type: HealthDependencies }) dependencies!: HealthDependencies;
  @ApiProperty({ type: OutboxHealth, nullable: true, description: 'The email outbox (null while the database is down); dead emails do not make the service down' })
  outbox!: OutboxHealth | null;
}

const TIMEOUT_MS = 3_000;

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    // A short reason only: the error text of a driver may carry host names but never credentials or stacks.
    const message = (err as Error).message.split('\n')[0].replace(/\/\/[^@\s]*@/g, '//***@').slice(0, 200);
    return { status: 'down', latencyMs: Date.now() - started, error: message };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly temporal: TemporalClientService,
    private readonly mailer: Mailer,
    private readonly storage: EvidenceStorage,
  ) {}

  async check(): Promise<HealthReport> {
    const [temporal, database, mail, storage] = await Promise.all([
      probe(() => this.temporal.ping(TIMEOUT_MS)),
      probe(() => this.prisma.$queryRaw`SELECT 1`),
      probe(() => this.mailer.verify()),
      probe(async () => {
        const result = await this.storage.check();
        if (!result.ok) throw new Error(result.detail);
      }),
    ]);
    const dependencies = { temporal, database, mail, storage };
    const up = Object.values(dependencies).every((d) => d.status === 'up');
    return { status: up ? 'up' : 'down', checkedAt: new Date().toISOString(), dependencies, outbox: database.status === 'up' ? await this.outbox() : null };
  }

  private async outbox(): Promise<OutboxHealth | null> {
    try {
      const [retrying, dead, last] = await Promise.all([
        this.prisma.notification.count({ where: { status: 'FAILED' } }),
        this.prisma.notification.count({ where: { status: 'DEAD' } }),
        this.prisma.notification.findFirst({ where: { status: 'DEAD' }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }),
      ]);
      return { retrying, dead, lastDeadAt: last ? last.createdAt.toISOString() : null };
    } catch {
      return null;
    }
  }
}
