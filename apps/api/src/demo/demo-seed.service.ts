import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@kawal/config';
import { PrismaService, type db } from '@kawal/database';
import { WorkingCalendar, addCalendarDays, localDateAt } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';
import { loadWilayah, toUnitsCsv } from '@kawal/reference';
import type { Actor } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { CasesService } from '../cases/cases.service';
import { ProgrammesService } from '../programmes/programmes.service';
import { DEFAULT_TREND_INSTRUMENT, ScoresService } from '../scores/scores.service';
import { UnitsImportService } from '../units/units-import.service';
import {
  BANJARMASIN_SCORES,
  DEMO_EXTENSION_WORKING_DAYS,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  DEMO_PROGRAMME_NAME,
  DEMO_STARTED_WORKING_DAYS_AGO,
  DEMO_TEMPLATE_KEY,
  KEMUNING,
  KOMET,
  KOTA_BANJARBARU,
  KOTA_BANJARMASIN,
  LOKTABAT_UTARA,
  MENTAOS,
  OVERDUE_UNIT,
} from './demo-data';

/** The smallest real files the evidence check accepts (it reads the bytes, not the name). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Seeds the demo when KAWAL_DEMO is on (npm start turns it on): reference units, people for every role, a running
 * Kelurahan Bebas Maladministrasi programme for Kota Banjarbaru with submitted, approved, returned and overdue work,
 * and Kota Banjarmasin's scores 2021-2024. It goes through the same services as the API (validation, workflows,
 * audit), runs in the background once the API is up, and does nothing when the demo programme already exists.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');
  /** Resolves when the seeding finished (or was skipped); tests and the start script wait on the log line instead. */
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly auth: AuthService,
    private readonly unitsImport: UnitsImportService,
    private readonly programmes: ProgrammesService,
    private readonly cases: CasesService,
    private readonly scores: ScoresService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.demo) return;
    this.done = this.seed().catch((err) => this.logger.error(`demo not seeded: ${(err as Error).message}`, (err as Error).stack));
  }

  async seed(): Promise<void> {
    if (await this.prisma.programme.findFirst({ where: { name: DEMO_PROGRAMME_NAME }, select: { id: true } })) {
      this.logger.log('demo already seeded');
      return;
    }
    const t0 = Date.now();
    // One hash for the one published demo password (argon2 is deliberately slow).
    const passwordHash = await this.auth.hashPassword(DEMO_PASSWORD);
    const admin = await this.person(DEMO_PEOPLE[0], [{ role: 'ADMIN', unitId: null }], passwordHash);
    const wilayah = loadWilayah();
    const imported = await this.unitsImport.import(toUnitsCsv(wilayah), { mode: 'valid-only', dryRun: false }, admin);
    this.logger.log(`reference units: ${imported.created} created, ${imported.unchanged} unchanged`);
    const actors = new Map<string, Actor>([['admin', admin]]);
    for (const p of DEMO_PEOPLE.slice(1)) actors.set(p.key, await this.person(p, await this.grants(p.grants), passwordHash));
    const as = (key: string) => actors.get(key)!;

    await this.waitFor(`template ${DEMO_TEMPLATE_KEY}`, async () => !!(await this.prisma.template.findFirst({ where: { key: DEMO_TEMPLATE_KEY, publishedAt: { not: null } } })));
    const today = localDateAt(Date.now(), wilayah.timeZone);
    const calendar = new WorkingCalendar(holidaysBetween(addCalendarDays(today, -120), addCalendarDays(today, 30)));
    const startDate = calendar.addWorkingDays(calendar.onOrAfter(today), -DEMO_STARTED_WORKING_DAYS_AGO);
    const programme = await this.programmes.launch(
      { name: DEMO_PROGRAMME_NAME, templateKey: DEMO_TEMPLATE_KEY, startDate, unitSelector: { under: KOTA_BANJARBARU, kind: 'KELURAHAN' } },
      as('coordinator'),
    );
    const caseOf = await this.waitForCases(programme.id, programme.caseCount);

    // Every unit but one was given more time; the one left out is overdue, and its lurah and the coordinator are told.
    const others = [...caseOf.keys()].filter((code) => code !== OVERDUE_UNIT);
    await this.programmes.action(
      programme.id,
      as('coordinator'),
      { kind: 'extend', workingDays: DEMO_EXTENSION_WORKING_DAYS, reason: 'Jadwal sosialisasi bersama Ombudsman diundur dua pekan.', unitCodes: others },
    );

    // Loktabat Utara: both review levels done for sosialisasi and the team decree.
    await this.submit(caseOf.get(LOKTABAT_UTARA)!, 'sosialisasi', as('staff'), [PDF, PNG], ['daftar-hadir', 'foto-kegiatan']);
    await this.cases.review(caseOf.get(LOKTABAT_UTARA)!, 'sosialisasi', as('coordinator'), { decision: 'approve' });
    await this.submit(caseOf.get(LOKTABAT_UTARA)!, 'sk-tim-kelurahan', as('lurah'), [PDF]);
    await this.cases.review(caseOf.get(LOKTABAT_UTARA)!, 'sk-tim-kelurahan', as('camat'), { decision: 'approve', comment: 'SK lengkap.' });
    // Mentaos: submitted, waiting for the coordinator. Kemuning: approved.
    await this.submit(caseOf.get(MENTAOS)!, 'sosialisasi', as('lurah-mentaos'), [PDF, PNG], ['daftar-hadir', 'foto-kegiatan']);
    await this.submit(caseOf.get(KEMUNING)!, 'sosialisasi', as('lurah-kemuning'), [PDF, PNG], ['daftar-hadir', 'foto-kegiatan']);
    await this.cases.review(caseOf.get(KEMUNING)!, 'sosialisasi', as('coordinator'), { decision: 'approve' });
    // Komet: the camat returned the decree.
    await this.submit(caseOf.get(KOMET)!, 'sk-tim-kelurahan', as('lurah-komet'), [PDF]);
    await this.cases.review(caseOf.get(KOMET)!, 'sk-tim-kelurahan', as('camat'), {
      decision: 'return',
      comment: 'SK belum ditandatangani dan belum bernomor; unggah versi yang sudah ditandatangani lurah.',
    });

    for (const s of BANJARMASIN_SCORES) {
      await this.scores.putUnitScore(KOTA_BANJARMASIN, s.year, { instrument: DEFAULT_TREND_INSTRUMENT, score: s.score, source: s.source }, admin);
    }
    this.logger.log(
      `demo ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: programme "${DEMO_PROGRAMME_NAME}" (${programme.id}), ${programme.caseCount} kelurahan, ` +
        `started ${startDate}; sign in as any ${DEMO_PEOPLE.map((p) => p.email).join(', ')} with the password ${DEMO_PASSWORD}`,
    );
  }

  private async submit(caseId: string, taskKey: string, actor: Actor, files: Buffer[], checked?: string[]): Promise<void> {
    const evidenceIds: string[] = [];
    for (const [i, buffer] of files.entries()) {
      const name = buffer === PDF ? `${taskKey}-${i + 1}.pdf` : `${taskKey}-${i + 1}.png`;
      evidenceIds.push((await this.cases.upload(caseId, taskKey, actor, { originalname: name, size: buffer.length, buffer })).id);
    }
    await this.cases.submit(caseId, taskKey, actor, { evidenceIds, checked, note: 'Data contoh (demo).' });
  }

  /** Creates (or finds) a demo person with the demo password and exactly these grants; returns them as an actor. */
  private async person(p: (typeof DEMO_PEOPLE)[number], grants: Array<{ role: db.Role; unitId: string | null }>, passwordHash: string): Promise<Actor> {
    const row = await this.prisma.person.upsert({ where: { email: p.email }, create: { email: p.email, name: p.name, passwordHash }, update: {} });
    for (const g of grants) {
      const exists = await this.prisma.roleAssignment.findFirst({ where: { personId: row.id, role: g.role, unitId: g.unitId } });
      if (!exists) await this.prisma.roleAssignment.create({ data: { personId: row.id, role: g.role, unitId: g.unitId } });
    }
    return { personId: row.id, email: row.email, name: row.name, locale: 'id', grants, sessionId: 'demo-seed', via: 'SESSION' };
  }

  private async grants(grants: Array<{ role: db.Role; unitCode: string | null }>): Promise<Array<{ role: db.Role; unitId: string | null }>> {
    const out = [];
    for (const g of grants) {
      const unit = g.unitCode ? await this.prisma.unit.findUnique({ where: { code: g.unitCode }, select: { id: true } }) : null;
      if (g.unitCode && !unit) throw new Error(`demo unit ${g.unitCode} is missing`);
      out.push({ role: g.role, unitId: unit?.id ?? null });
    }
    return out;
  }

  /** Waits until every case's workflow has started and its first tasks are in the read model; unit code -> case id. */
  private async waitForCases(programmeId: string, count: number): Promise<Map<string, string>> {
    let rows: Array<{ id: string; unit: { code: string } }> = [];
    await this.waitFor(`${count} demo cases`, async () => {
      rows = await this.prisma.case.findMany({ where: { programmeId, launchedAt: { not: null }, version: { gt: 0 } }, select: { id: true, unit: { select: { code: true } } } });
      return rows.length === count;
    });
    return new Map(rows.map((r) => [r.unit.code, r.id]));
  }

  private async waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await ready())) {
      if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000}s`);
      await sleep(500);
    }
  }
}
