/**
 * Proves the shared test support works on this machine: the run's PostgreSQL (test/support/postgres.ts), the SMTP
 * receiver (test/support/smtp.ts) and the Temporal environments (test/support/temporal.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { createTestDatabase, testDbInfo } from '../support/postgres';
import { startSmtpReceiver } from '../support/smtp';
import { createLocalDevEnv, createTimeSkippingEnv, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';
import type { sleepThenGreet } from '../support/fixtures/smoke-workflows';

const migrationsDir = path.resolve(__dirname, '../../prisma/migrations');
const migrationFolders = (): string[] =>
  readdirSync(migrationsDir)
    .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
    .sort();

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test database', () => {
  it('gives a migrated database that answers SELECT 1 and has every migration applied', async () => {
    const db = await createTestDatabase();
    try {
      expect(await query(db.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      const folders = migrationFolders();
      expect(testDbInfo().migrationsApplied).toEqual(folders);
      if (folders.length > 0) {
        // The domain schema is there (the read model's main table).
        expect(await query(db.url, `SELECT to_regclass('public.cases')::text AS t`)).toEqual([{ t: 'cases' }]);
        const applied = await query<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM _prisma_migrations');
        expect(Number(applied[0].n)).toBe(folders.length);
      }
    } finally {
      await db.drop();
    }
  });

  it('gives an empty database with migrated: false', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const tables = await query(db.url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('isolates databases from each other (real PostgreSQL only)', async () => {
    if (testDbInfo().engine === 'pglite') return; // PGlite has one shared database (documented limitation)
    const a = await createTestDatabase({ migrated: false });
    const b = await createTestDatabase({ migrated: false });
    try {
      expect(a.name).not.toBe(b.name);
      await query(a.url, 'CREATE TABLE only_in_a (id int)');
      expect(await query(b.url, `SELECT to_regclass('only_in_a') AS t`)).toEqual([{ t: null }]);
    } finally {
      await a.drop();
      await b.drop();
    }
    const left = await query(testDbInfo().adminUrl, `SELECT datname FROM pg_database WHERE datname IN ('${a.name}', '${b.name}')`);
    expect(left).toEqual([]);
  });
});

describe('SMTP receiver', () => {
  it('receives and parses a message sent by nodemailer over TCP', async () => {
    const smtp = await startSmtpReceiver();
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({
        from: 'Kawal <noreply@kawal.test>',
        to: 'Ibu Sari <sari@dinas.example>',
        bcc: 'audit@kawal.test',
        subject: 'Pengingat: tindak lanjut #42',
        text: 'Batas waktu besok.',
      });
      const [mail] = await smtp.waitFor(1, 5000);
      expect(mail.subject).toBe('Pengingat: tindak lanjut #42');
      const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
      expect(to?.value[0].address).toBe('sari@dinas.example');
      expect(mail.text?.trim()).toBe('Batas waktu besok.');
      expect(smtp.envelopes[0].to.sort()).toEqual(['audit@kawal.test', 'sari@dinas.example']);
    } finally {
      transport.close();
      await smtp.close();
    }
  });

  it('simulates outages with a temporary 4xx (failFirst, setDown)', async () => {
    const smtp = await startSmtpReceiver({ failFirst: 1 });
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    const send = () => transport.sendMail({ from: 'a@kawal.test', to: 'b@kawal.test', subject: 's', text: 't' });
    try {
      await expect(send()).rejects.toMatchObject({ responseCode: 451 });
      await send();
      smtp.setDown(true);
      await expect(send()).rejects.toMatchObject({ responseCode: 451 });
      smtp.setDown(false);
      await send();
      expect((await smtp.waitFor(2)).length).toBe(2);
      expect(smtp.rejected).toBe(2);
      await expect(smtp.waitFor(3, 200)).rejects.toThrow(/expected 3 message/);
    } finally {
      transport.close();
      await smtp.close();
    }
  });
});

describe('Temporal environments', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../support/fixtures/smoke-workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
    });
  });

  it('time-skipping: env.sleep(30 days) and a 30-day workflow timer return fast', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const started = Date.now();
      const before = await env.currentTimeMs();
      await env.sleep('30 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * 86_400_000);
      expect(Date.now() - started).toBeLessThan(10_000);

      const taskQueue = uniqueTaskQueue('smoke');
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
      const result = await worker.runUntil(
        env.client.workflow.execute<typeof sleepThenGreet>('sleepThenGreet', {
          args: ['kawal', '30 days'],
          taskQueue,
          workflowId: uniqueWorkflowId('smoke'),
        }),
      );
      expect(result).toBe('hello kawal');
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await env.teardown();
    }
  });

  it('dev server (temporal CLI): starts and runs a workflow', async () => {
    const env = await createLocalDevEnv();
    try {
      const taskQueue = uniqueTaskQueue('smoke-dev');
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
      const result = await worker.runUntil(
        env.client.workflow.execute<typeof sleepThenGreet>('sleepThenGreet', {
          args: ['dev', '10ms'],
          taskQueue,
          workflowId: uniqueWorkflowId('smoke-dev'),
        }),
      );
      expect(result).toBe('hello dev');
    } finally {
      await env.teardown();
    }
  });
});
