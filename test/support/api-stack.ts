import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { KawalConfig, loadConfig } from '@kawal/config';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { freePort } from './ports';
import { TestDatabase, createTestDatabase } from './postgres';
import { SmtpReceiver, startSmtpReceiver } from './smtp';
import { createLocalDevEnv, uniqueTaskQueue } from './temporal';
import { waitUntil } from './eventually';

export const ADMIN_EMAIL = 'admin@kawal.test';
/** Every person the tests create through the API gets this password. */
export const TEST_PASSWORD = 'rahasia-kawal-2027';

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

type Headers_ = Record<string, string>;

/**
 * The real system for end-to-end tests over HTTP: the Temporal dev server, a fresh PostgreSQL database, an SMTP
 * receiver over TCP, the worker (optional) and the API listening on a free port. Requests sign in for real
 * (POST /auth/sign-in) as the person they act for; the first administrator comes from KAWAL_ADMIN_EMAIL.
 */
export interface ApiStack {
  base: string;
  config: KawalConfig;
  db: TestDatabase;
  prisma: PrismaClient;
  smtp: SmtpReceiver;
  env: TestWorkflowEnvironment;
  evidenceDir: string;
  /** The Nest application of the API (to reach a provider, e.g. the demo seeder). */
  api: INestApplication;
  /** method, path, JSON or FormData body, headers (default: signed in as the administrator). */
  call(method: string, url: string, body?: unknown, headers?: Headers_ | Promise<Headers_>): Promise<ApiResponse>;
  /** Headers that sign the request in as this person (password sign-in, cached per email). */
  as(email: string): Promise<Headers_>;
  /** Headers for a request with no credentials at all. */
  anonymous: Headers_;
  /** A bearer token for the person (password sign-in, cached). */
  tokenFor(email: string): Promise<string>;
  /** Every route the HTTP application serves, as "method /path/{param}" (API docs routes excluded). */
  routes(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startApiStack(opts: { worker?: boolean; env?: Record<string, string> } = {}): Promise<ApiStack> {
  const [env, db, smtp] = await Promise.all([createLocalDevEnv(), createTestDatabase(), startSmtpReceiver()]);
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'kawal-evidence-'));
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('e2e'),
    SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
    MAIL_FROM: 'Kawal <kawal@kawal.test>',
    API_PORT: String(port),
    PUBLIC_BASE_URL: 'http://kawal.test',
    EVIDENCE_DIR: evidenceDir,
    KAWAL_ADMIN_EMAIL: ADMIN_EMAIL,
    KAWAL_ADMIN_PASSWORD: TEST_PASSWORD,
    // Email goes out at once, whatever the hour the tests run at; working hours and digests have their own tests.
    MAIL_WORKING_HOURS: 'any',
    MAIL_DIGEST_THRESHOLD: '1000',
    ...opts.env,
  });
  const worker: INestApplicationContext | null = opts.worker === false ? null : await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  const api: INestApplication = await createApiApp(config);
  await api.listen(port, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const prisma = createPrismaClient(db.url, 3);

  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (email: string): Promise<string> => {
    const key = email.toLowerCase();
    if (!tokens.has(key)) {
      const pending = fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) }).then(async (r) => {
        if (r.status !== 201) throw new Error(`sign-in as ${email}: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { token: string }).token;
      });
      pending.catch(() => tokens.delete(key));
      tokens.set(key, pending);
    }
    return tokens.get(key)!;
  };
  const as = async (email: string) => ({ authorization: `Bearer ${await tokenFor(email)}` });
  const anonymous = { authorization: 'none' };

  const call = async (method: string, url: string, body?: unknown, given: Headers_ | Promise<Headers_> = {}): Promise<ApiResponse> => {
    const headers = { ...(await given) };
    if (headers.authorization === 'none') delete headers.authorization;
    else headers.authorization ??= `Bearer ${await tokenFor(ADMIN_EMAIL)}`;
    const isForm = body instanceof FormData;
    const res = await fetch(`${base}${url}`, {
      method,
      headers: body !== undefined && !isForm && typeof body !== 'string' ? { 'content-type': 'application/json', ...headers } : headers,
      body: body === undefined ? undefined : isForm || typeof body === 'string' ? (body as never) : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };

  return {
    base,
    config,
    db,
    prisma,
    smtp,
    env,
    evidenceDir,
    api,
    call,
    as,
    anonymous,
    tokenFor,
    async routes() {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const router = (api.getHttpAdapter().getInstance() as any).router ?? (api.getHttpAdapter().getInstance() as any)._router;
      const out = new Set<string>();
      for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
        if (!layer.route) continue;
        const p = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        if (p.startsWith('/docs') || p === '/openapi.json') continue;
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.add(`${m} ${p}`);
      }
      return [...out].sort();
    },
    async stop() {
      await api.close();
      await worker?.close();
      await prisma.$disconnect();
      await Promise.all([env.teardown(), smtp.close()]);
      await db.drop();
      rmSync(evidenceDir, { recursive: true, force: true });
    },
  };
}

/**
 * Kota Banjarbaru (63.72) > Banjarbaru Utara (63.72.01) > Loktabat Utara (63.72.01.1001), Sungai Ulin (63.72.01.1002);
 * Banjarbaru Selatan (63.72.02) > Loktabat Selatan (63.72.02.1001). Created through the API as the administrator.
 */
export async function createUnitTree(stack: ApiStack): Promise<void> {
  const units = [
    { code: '63.72', name: 'Kota Banjarbaru', kind: 'KOTA' },
    { code: '63.72.01', name: 'Banjarbaru Utara', kind: 'KECAMATAN', parentCode: '63.72' },
    { code: '63.72.01.1001', name: 'Loktabat Utara', kind: 'KELURAHAN', parentCode: '63.72.01' },
    { code: '63.72.01.1002', name: 'Sungai Ulin', kind: 'KELURAHAN', parentCode: '63.72.01' },
    { code: '63.72.02', name: 'Banjarbaru Selatan', kind: 'KECAMATAN', parentCode: '63.72' },
    { code: '63.72.02.1001', name: 'Loktabat Selatan', kind: 'KELURAHAN', parentCode: '63.72.02' },
  ];
  for (const u of units) {
    const res = await stack.call('POST', '/units', u);
    if (res.status !== 201) throw new Error(`unit ${u.code}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Registers a person with the test password and role grants (unitCode null = everywhere). */
export async function createPerson(stack: ApiStack, email: string, roles: Array<{ role: string; unitCode: string | null }>, name = email.split('@')[0]): Promise<void> {
  const res = await stack.call('POST', '/people', { email, name, password: TEST_PASSWORD, roles });
  if (res.status !== 201) throw new Error(`person ${email}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Polls until `check` returns a truthy value (or fails after `ms`). */
export function eventually<T>(check: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  return waitUntil(check, 'the condition', ms);
}
