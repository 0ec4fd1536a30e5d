import type { INestApplication } from '@nestjs/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '@kawal/config';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { freePort } from '../support/ports';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';
import { createLocalDevEnv } from '../support/temporal';

/** GET /health answers 503 and names the dependency while one is down, and 200 once it is back. */
describe('health over HTTP while a dependency is down', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: SmtpReceiver;
  let api: INestApplication;
  let base: string;

  beforeAll(async () => {
    [env, db, smtp] = await Promise.all([createLocalDevEnv(), createTestDatabase(), startSmtpReceiver()]);
  });

  afterAll(async () => {
    await api?.close();
    await Promise.all([env?.teardown(), smtp?.close()]);
    await db?.drop();
  });

  async function startApi(overrides: Record<string, string>) {
    await api?.close();
    const port = await freePort();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: env.address,
      SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
      API_PORT: String(port),
      ...overrides,
    });
    api = await createApiApp(config);
    await api.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  }

  it('is 503 naming the mail server when SMTP is unreachable, and 200 with all three up', async () => {
    const deadPort = await freePort();
    await startApi({ SMTP_URL: `smtp://127.0.0.1:${deadPort}` });
    let res = await fetch(`${base}/health`);
    let body = (await res.json()) as { status: string; dependencies: Record<string, { status: string; error?: string }> };
    expect(res.status).toBe(503);
    expect(body.status).toBe('down');
    expect(body.dependencies.mail.status).toBe('down');
    expect(body.dependencies.mail.error).toMatch(/ECONNREFUSED|connect/i);
    expect(body.dependencies.database.status).toBe('up');
    expect(body.dependencies.temporal.status).toBe('up');
    expect((body as unknown as { outbox: unknown }).outbox).toEqual({ retrying: expect.any(Number), dead: expect.any(Number), lastDeadAt: null });

    await startApi({});
    res = await fetch(`${base}/health`);
    body = (await res.json()) as typeof body;
    expect(res.status).toBe(200);
    expect(body.status).toBe('up');
  });

  it('is 503 naming the database and Temporal when they are unreachable, and never leaks credentials', async () => {
    const [pgPort, temporalPort] = [await freePort(), await freePort()];
    await startApi({ DATABASE_URL: `postgresql://kawal:rahasia@127.0.0.1:${pgPort}/kawal`, TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` });
    const res = await fetch(`${base}/health`);
    const text = await res.text();
    const body = JSON.parse(text) as { dependencies: Record<string, { status: string }> };
    expect(res.status).toBe(503);
    expect(body.dependencies.database.status).toBe('down');
    expect(body.dependencies.temporal.status).toBe('down');
    expect(body.dependencies.mail.status).toBe('up');
    expect(text).not.toContain('rahasia');
  });
});
