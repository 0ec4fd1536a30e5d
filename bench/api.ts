/**
 * `npm run bench -- api --cases N [--seconds S] [--connections C]`: how fast the API answers its two busiest reads.
 *
 * Seeds a fresh, fully migrated database with bulk SQL: Kota Banjarbaru (63.72, WITA), 50 kecamatan, N kelurahan, the
 * slice template, one RUNNING programme with N ACTIVE launched cases and 8 tasks per case in mixed states, and three
 * people who sign in with a password (the coordinator, a camat reviewer, a lurah). Starts the API in this process
 * exactly as production does (createApiApp), signs in over HTTP, then loads each endpoint for S seconds with C
 * concurrent autocannon clients running on a worker thread of their own. Prints one line per endpoint:
 *
 *   api endpoint=programme-detail rps=R p50_ms=A p99_ms=B errors=E     GET /programmes/:id as the coordinator
 *   api endpoint=inbox rps=R p50_ms=A p99_ms=B errors=E                GET /me/tasks?limit=50 as the camat reviewer
 *   api endpoint=inbox-coordinator rps=R p50_ms=A p99_ms=B errors=E    GET /me/tasks?limit=50&action=review as the coordinator
 *
 * rps = 2xx responses per second; p50/p99 = latency of the 2xx responses; errors = connection errors (timeouts
 * included) + non-2xx responses.
 *
 * Database: a new database on the server of DATABASE_URL when set (dropped at the end), else a throwaway PostgreSQL
 * (the real binaries, else PGlite). Temporal is not needed: the API's Temporal connection is lazy and these
 * endpoints never use it. Everything the bench started is stopped at the end, also on failure and on Ctrl-C.
 */
import 'reflect-metadata'; // as apps/api/src/main.ts, before anything of Nest
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as argon2 from '@node-rs/argon2';
import { Client } from 'pg';
import type { INestApplication } from '@nestjs/common';
import { caseWorkflowId, programmeWorkflowId } from '@kawal/contracts';
import { KawalConfig, loadConfig } from '@kawal/config';
import { localDateAt } from '@kawal/domain';
import { templateChecksum } from '@kawal/templates';
import { createApiApp } from '../apps/api/src/bootstrap';
import { applyMigrations } from '../libs/database/src/migrations';
import { KOTA, SIGNALS, SignalTrap, TIME_ZONE, Teardown, freePort, loadSliceTemplate, log, parseWholeNumberOptions, secondsSince, startBenchDatabase } from './support';
const KECAMATAN = 50;
/** Kemendagri kelurahan codes are 1001..1999 within a kecamatan. */
const MAX_CASES = KECAMATAN * 999;
const TASKS_PER_CASE = 8;
const TASK_TITLES = [
  'Standar pelayanan ditetapkan',
  'Maklumat pelayanan dipasang',
  'Survei kepuasan masyarakat',
  'Pengelolaan pengaduan',
  'Sarana bagi penyandang disabilitas',
  'Informasi pelayanan daring',
  'Evaluasi kinerja pelaksana',
  'Rencana tindak lanjut',
];
const PASSWORD = 'bench-kawal-rahasia-2027';
const PEOPLE = {
  coordinator: { email: 'organisasi@banjarbarukota.go.id', name: 'Bagian Organisasi' },
  reviewer: { email: 'camat.kec01@banjarbarukota.go.id', name: 'Camat Kecamatan 1' },
  lurah: { email: 'lurah.kel0001@banjarbarukota.go.id', name: 'Lurah Kelurahan 1' },
} as const;
const WARMUP_REQUESTS = 20;

interface ApiOptions {
  cases: number;
  seconds: number;
  connections: number;
}

function parseArgs(argv: string[]): ApiOptions {
  return {
    cases: 10_000,
    seconds: 10,
    connections: 16,
    ...parseWholeNumberOptions(argv, {
      cases: { flag: '--cases', min: KECAMATAN, max: MAX_CASES },
      seconds: { flag: '--seconds', min: 10, max: 3_600 },
      connections: { flag: '--connections', min: 1, max: 1_000 },
    }),
  };
}

interface Seeded {
  programmeId: string;
  tasks: number;
  reviewerQueue: number;
  coordinatorQueue: number;
}

/**
 * Everything in one transaction of set-based SQL (generate_series), then ANALYZE so the planner knows the tables as
 * a production database would. Kelurahan i (0-based) lies in kecamatan (i mod 50) + 1 with code 63.72.KK.(1001 + i div 50);
 * the lurah heads 63.72.01.1001, the camat reviews 63.72.01.
 */
async function seed(url: string, config: KawalConfig, cases: number): Promise<Seeded> {
  const definition = loadSliceTemplate(config);
  // The API's checksum, so that its boot-time publish of the same template finds it identical.
  const checksum = templateChecksum(definition);
  const passwordHash = await argon2.hash(PASSWORD);
  const today = localDateAt(Date.now(), TIME_ZONE);
  const programmeId = randomUUID();
  const client = new Client({ connectionString: url });
  client.on('error', (err) => log(`seed connection: ${err.message}`));
  await client.connect();
  try {
    await client.query('BEGIN');
    const one = async (sql: string, params: unknown[] = []) => (await client.query<{ id: string }>(sql, params)).rows[0]?.id;

    const templateId = await one(
      `INSERT INTO templates (id, key, version, name, definition, checksum, published_at) VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, now()) RETURNING id`,
      [definition.key, definition.version, definition.name.id, JSON.stringify(definition), checksum],
    );
    const kotaId = await one(`INSERT INTO units (id, code, name, kind, time_zone, updated_at) VALUES (gen_random_uuid(), $1, $2, 'KOTA', $3, now()) RETURNING id`, [KOTA.code, KOTA.name, TIME_ZONE]);
    await client.query(
      `INSERT INTO units (id, code, name, kind, parent_id, time_zone, updated_at)
       SELECT gen_random_uuid(), $1::text || '.' || lpad(k::text, 2, '0'), 'Kecamatan ' || k, 'KECAMATAN', $2::uuid, $3, now() FROM generate_series(1, $4::int) k`,
      [KOTA.code, kotaId, TIME_ZONE, KECAMATAN],
    );
    await client.query(
      `INSERT INTO units (id, code, name, kind, parent_id, time_zone, updated_at)
       SELECT gen_random_uuid(), kec.code || '.' || (1001 + i / $2::int), 'Kelurahan ' || (i + 1), 'KELURAHAN', kec.id, $3, now()
         FROM generate_series(0, $1::int - 1) i
         JOIN units kec ON kec.code = $4::text || '.' || lpad((i % $2::int + 1)::text, 2, '0')`,
      [cases, KECAMATAN, TIME_ZONE, KOTA.code],
    );

    const people = new Map<string, string>();
    for (const p of Object.values(PEOPLE)) {
      people.set(p.email, (await one(`INSERT INTO people (id, email, name, password_hash, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`, [p.email, p.name, passwordHash]))!);
    }
    const grant = (email: string, unitCode: string, role: string) =>
      client.query(`INSERT INTO role_assignments (id, person_id, unit_id, role) SELECT gen_random_uuid(), $1::uuid, id, $3::"Role" FROM units WHERE code = $2`, [people.get(email), unitCode, role]);
    await grant(PEOPLE.coordinator.email, KOTA.code, 'COORDINATOR');
    await grant(PEOPLE.reviewer.email, `${KOTA.code}.01`, 'REVIEWER');
    await grant(PEOPLE.lurah.email, `${KOTA.code}.01.1001`, 'UNIT_HEAD');

    await client.query(
      `INSERT INTO programmes (id, name, template_id, coordinator_id, start_date, status, workflow_id, updated_at)
       VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5::date - 30, 'RUNNING', $6, now())`,
      [programmeId, `Bench API ${cases} kelurahan`, templateId, people.get(PEOPLE.coordinator.email), today, programmeWorkflowId(programmeId)],
    );
    await client.query(
      `INSERT INTO cases (id, programme_id, unit_id, workflow_id, status, version, launched_at, template_version, updated_at)
       SELECT gen_random_uuid(), $1::uuid, u.id, $2::text || u.code, 'ACTIVE', 1, now() - interval '30 days', $3, now()
         FROM units u WHERE u.kind = 'KELURAHAN'`,
      [programmeId, caseWorkflowId(programmeId, ''), definition.version],
    );
    // Task k of case n: r = (37n + 13k) mod 100 picks the state, so the 8 tasks of a case are 13 apart and every case
    // has at least one task awaiting review (SUBMITTED or IN_REVIEW span 18 values); due dates run from 20 days ago
    // to 59 days ahead; past-due tasks that are not done are overdue, and one in three of those escalated.
    await client.query(
      `WITH c AS (SELECT id, row_number() OVER (ORDER BY workflow_id) AS n FROM cases WHERE programme_id = $1::uuid),
            s AS (SELECT c.id AS case_id, k, (c.n * 37 + k * 13) % 100 AS r, $2::date + ((c.n * 53 + k * 11) % 80 - 20)::int AS due
                    FROM c CROSS JOIN generate_series(1, $3::int) k),
            t AS (SELECT s.*, CASE WHEN r < 55 THEN 'OPEN' WHEN r < 67 THEN 'SUBMITTED' WHEN r < 73 THEN 'IN_REVIEW'
                                   WHEN r < 88 THEN 'APPROVED' WHEN r < 94 THEN 'RETURNED' ELSE 'WAIVED' END::"TaskState" AS state FROM s)
       INSERT INTO tasks (id, case_id, key, title, assignee_role, state, due_date, due_at, overdue, escalation_level, review_level,
                          last_comment, submitted_at, approved_at, updated_at)
       SELECT gen_random_uuid(), case_id, 't' || k, ($4::text[])[k], 'UNIT_HEAD', state, due,
              (due + 1)::timestamp AT TIME ZONE $5::text,
              due < $2::date AND state NOT IN ('APPROVED', 'WAIVED'),
              CASE WHEN due < $2::date AND state NOT IN ('APPROVED', 'WAIVED') AND r % 3 = 0 THEN 1 ELSE 0 END,
              0,
              CASE WHEN state = 'RETURNED' THEN 'Lengkapi foto papan maklumat' END,
              CASE WHEN state IN ('SUBMITTED', 'IN_REVIEW', 'APPROVED') THEN now() - interval '2 days' END,
              CASE WHEN state = 'APPROVED' THEN now() - interval '1 day' END,
              now()
         FROM t`,
      [programmeId, today, TASKS_PER_CASE, TASK_TITLES, TIME_ZONE],
    );
    // The read model keeps per-case task counts (written with every case state); seed them as the migration backfills them.
    await client.query(
      `UPDATE cases c SET tasks_blocked = t.blocked, tasks_open = t.open, tasks_submitted = t.submitted, tasks_in_review = t.in_review,
              tasks_returned = t.returned, tasks_approved = t.approved, tasks_waived = t.waived, tasks_overdue = t.overdue
         FROM (SELECT case_id,
                      count(*) FILTER (WHERE state = 'BLOCKED')::int AS blocked, count(*) FILTER (WHERE state = 'OPEN')::int AS open,
                      count(*) FILTER (WHERE state = 'SUBMITTED')::int AS submitted, count(*) FILTER (WHERE state = 'IN_REVIEW')::int AS in_review,
                      count(*) FILTER (WHERE state = 'RETURNED')::int AS returned, count(*) FILTER (WHERE state = 'APPROVED')::int AS approved,
                      count(*) FILTER (WHERE state = 'WAIVED')::int AS waived,
                      count(*) FILTER (WHERE overdue AND state NOT IN ('APPROVED', 'WAIVED'))::int AS overdue
                 FROM tasks GROUP BY case_id) t
        WHERE c.id = t.case_id AND c.programme_id = $1`,
      [programmeId],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');

    const count = async (sql: string, params: unknown[]) => Number((await client.query<{ n: string }>(sql, params)).rows[0].n);
    const review = `SELECT count(*) AS n FROM tasks t JOIN cases c ON c.id = t.case_id JOIN units u ON u.id = c.unit_id WHERE t.state IN ('SUBMITTED', 'IN_REVIEW') AND u.code LIKE $1`;
    return {
      programmeId,
      tasks: await count(`SELECT count(*) AS n FROM tasks`, []),
      reviewerQueue: await count(review, [`${KOTA.code}.01.%`]),
      coordinatorQueue: await count(review, [`${KOTA.code}.%`]),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---- load ------------------------------------------------------------------------------------------------------

interface LoadResult {
  durationSeconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Latencies of the 2xx responses, ms, sorted. */
  latencies: Float64Array;
}

/**
 * autocannon on a worker thread of its own, so the load generator never runs on the API's event loop. Its own
 * histogram keeps whole milliseconds; the worker records every 2xx response time (a float, ms) from its 'response'
 * events instead. autocannon 9 ships no type declarations, hence the plain JavaScript.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const latencies = [];
const instance = autocannon(workerData.options, (err, r) => {
  if (err) { parentPort.postMessage({ error: String((err && err.stack) || err) }); return; }
  const sorted = Float64Array.from(latencies).sort();
  parentPort.postMessage({ result: {
    durationSeconds: r.duration, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats || {}).map(([code, s]) => [code, s.count])),
    latencies: sorted,
  } });
});
instance.on('response', (client, statusCode, bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
`;

/** The load worker now running, so that the teardown stops the load before it closes the API. */
let activeLoad: Worker | undefined;

function load(url: string, headers: Record<string, string>, options: ApiOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { autocannon: require.resolve('autocannon'), options: { url, headers, connections: options.connections, duration: options.seconds } },
    });
    activeLoad = worker;
    worker.once('exit', () => {
      if (activeLoad === worker) activeLoad = undefined;
    });
    let settled = false;
    worker.once('message', (msg: { error?: string; result?: LoadResult }) => {
      settled = true;
      if (msg.result) resolve(msg.result);
      else reject(new Error(`autocannon failed: ${msg.error}`));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the load worker exited (${code}) without a result`));
    });
  });
}

/**
 * Waits until no other session runs a query in the bench database for 100 ms in a row. When autocannon stops it
 * drops its sockets, but the API still finishes the requests it had accepted; they must not run into the next
 * endpoint's measurement, nor into the shutdown (a closed Prisma pool answers 500).
 */
async function quiesce(client: Client, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 5 && Date.now() < deadline) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
    );
    quiet = Number(rows[0].n) === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Endpoint {
  name: string;
  path: string;
  as: string;
  /** Why a 200 body is not what this endpoint should answer, or null when it is. */
  check(body: unknown): string | null;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

async function signIn(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /auth/sign-in as ${email} answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { token: string }).token;
}

export async function apiBench(argv: string[]): Promise<string[]> {
  const options = parseArgs(argv);
  const base = loadConfig();
  const teardown = new Teardown();
  const signals = new SignalTrap(teardown);

  try {
    const tSetup = performance.now();
    const url = await startBenchDatabase(base, teardown, 'api');
    const { applied } = await applyMigrations(url);
    log(`migrations: ${applied.length} applied`);

    const tSeed = performance.now();
    const seeded = await seed(url, base, options.cases);
    log(
      `note: seeded ${options.cases} kelurahan in ${KECAMATAN} kecamatan, ${options.cases} cases and ${seeded.tasks} tasks in ${secondsSince(tSeed)}s ` +
        `(programme ${seeded.programmeId}; awaiting review: ${seeded.reviewerQueue} under the camat's kecamatan, ${seeded.coordinatorQueue} in the kota)`,
    );
    signals.check();

    const monitor = new Client({ connectionString: url });
    // A server that goes away (Ctrl-C stops a throwaway one at once) fails the next query; the event must not crash us.
    monitor.on('error', (err) => log(`database monitor connection: ${err.message}`));
    await monitor.connect();
    teardown.add('database monitor connection', () => monitor.end());

    const scratch = mkdtempSync(path.join(os.tmpdir(), 'kawal-bench-api-'));
    teardown.add('scratch directory', async () => rmSync(scratch, { recursive: true, force: true }));
    const port = await freePort();
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      KAWAL_DATA_DIR: scratch,
      EVIDENCE_DIR: path.join(scratch, 'evidence'),
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(base.database.poolSize),
      // Nothing listens there: the API's Temporal connection is lazy and these endpoints never use it.
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
    });
    const nestListeners = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
    const app: INestApplication = await createApiApp(config);
    // The signals are the bench's (SignalTrap, then the teardown closes the app). Nest's shutdown hooks would also
    // close the app and then raise the signal again, which SignalTrap would take for a second Ctrl-C.
    for (const s of SIGNALS) for (const l of process.listeners(s)) if (!nestListeners.get(s)!.has(l)) process.removeListener(s, l as NodeJS.SignalsListener);
    teardown.add('API', () => app.close());
    await app.listen(port, '127.0.0.1');
    teardown.add('load generator', async () => activeLoad?.terminate());
    const api = `http://127.0.0.1:${port}`;
    log(`API listening on ${api} (database pool ${config.database.poolSize}); setup took ${secondsSince(tSetup)}s`);

    const tokens = {
      coordinator: await signIn(api, PEOPLE.coordinator.email),
      reviewer: await signIn(api, PEOPLE.reviewer.email),
    };
    const inboxCheck =
      (expected: number, unitPrefix: string) =>
      (body: unknown): string | null => {
        const b = body as { items?: Array<{ action?: string; unitCode?: string; caseId?: string }>; nextCursor?: unknown };
        if (!b || !Array.isArray(b.items) || !('nextCursor' in b)) return 'expected {items: [...], nextCursor}';
        if (b.items.length !== Math.min(50, expected)) return `expected ${Math.min(50, expected)} items, got ${b.items.length}`;
        const odd = b.items.find((i) => i.action !== 'review' || !i.caseId || !i.unitCode?.startsWith(unitPrefix));
        return odd ? `expected review items of units under ${unitPrefix}, got ${JSON.stringify(odd)}` : null;
      };
    const endpoints: Array<Endpoint & { token: string }> = [
      {
        name: 'programme-detail',
        path: `/programmes/${seeded.programmeId}`,
        as: PEOPLE.coordinator.email,
        token: tokens.coordinator,
        check: (body) => {
          const b = body as { id?: string; taskCount?: number; tasksByState?: unknown };
          if (!b || b.id !== seeded.programmeId) return `expected the programme ${seeded.programmeId}`;
          if (b.taskCount !== seeded.tasks || typeof b.tasksByState !== 'object') return `expected taskCount ${seeded.tasks} and tasksByState, got ${JSON.stringify(b).slice(0, 300)}`;
          return null;
        },
      },
      { name: 'inbox', path: '/me/tasks?limit=50', as: PEOPLE.reviewer.email, token: tokens.reviewer, check: inboxCheck(seeded.reviewerQueue, `${KOTA.code}.01.`) },
      {
        name: 'inbox-coordinator',
        path: '/me/tasks?limit=50&action=review',
        as: PEOPLE.coordinator.email,
        token: tokens.coordinator,
        check: inboxCheck(seeded.coordinatorQueue, `${KOTA.code}.`),
      },
    ];

    const lines: string[] = [];
    for (const e of endpoints) {
      signals.check();
      const first = await getJson(`${api}${e.path}`, e.token);
      if (first.status !== 200) throw new Error(`${e.name}: GET ${e.path} as ${e.as} answered ${first.status}, not 200: ${first.text.slice(0, 500)}`);
      const wrong = e.check(first.body);
      if (wrong) throw new Error(`${e.name}: GET ${e.path} as ${e.as} answered 200 with an unexpected body: ${wrong}`);
      log(`${e.name}: GET ${e.path} as ${e.as}: 200, ${first.text.length} bytes, keys ${Object.keys(first.body as object).join(',')}`);
      const tWarm = performance.now();
      for (let i = 0; i < WARMUP_REQUESTS; i += options.connections) {
        const batch = Array.from({ length: Math.min(options.connections, WARMUP_REQUESTS - i) }, () => getJson(`${api}${e.path}`, e.token));
        for (const r of await Promise.all(batch)) if (r.status !== 200) throw new Error(`${e.name}: a warm-up request answered ${r.status}: ${r.text.slice(0, 300)}`);
      }
      log(`${e.name}: warmed up with ${WARMUP_REQUESTS} requests in ${secondsSince(tWarm)}s; loading for ${options.seconds}s with ${options.connections} connections…`);

      await quiesce(monitor);
      const elu = performance.eventLoopUtilization();
      const r = await load(`${api}${e.path}`, { authorization: `Bearer ${e.token}` }, options);
      // The main thread runs only the API (autocannon has its own thread): how busy its event loop was under load.
      const busy = performance.eventLoopUtilization(elu).utilization;
      await quiesce(monitor);
      const rps = r.ok / r.durationSeconds;
      const errors = r.errors + r.non2xx;
      log(
        `${e.name}: ${r.ok} ok in ${r.durationSeconds}s, status codes ${JSON.stringify(r.statusCodes)}, ${r.errors} connection errors (${r.timeouts} timeouts), ` +
          `latency p90 ${percentile(r.latencies, 90).toFixed(1)} ms, max ${percentile(r.latencies, 100).toFixed(1)} ms; API event loop busy ${(busy * 100).toFixed(0)}%`,
      );
      const line = `api endpoint=${e.name} rps=${rps.toFixed(1)} p50_ms=${percentile(r.latencies, 50).toFixed(1)} p99_ms=${percentile(r.latencies, 99).toFixed(1)} errors=${errors}`;
      log(line);
      lines.push(line);
    }
    return lines;
  } catch (err) {
    // Ctrl-C stops the load worker, which fails the run: say why.
    throw signals.interrupted ? new Error(`interrupted by ${signals.interrupted}`) : err;
  } finally {
    // After a signal the teardown is already running (SignalTrap); wait for it rather than let main() exit under it.
    const t = performance.now();
    await teardown.run();
    if (!signals.interrupted) log(`stopped everything in ${secondsSince(t)}s`);
    signals.release();
  }
}
