import * as path from 'node:path';
import { z } from 'zod';
import type { S3StorageSettings } from '@kawal/storage';
import { envSchema, Env } from './env.schema';

/** A configuration problem, described in one line naming the variable and the rule. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface TemporalSettings {
  /** host:port of the frontend service; undefined means "run the local dev server" (npm start only). */
  address?: string;
  namespace: string;
  taskQueue: string;
  /** Workflows the worker keeps in memory between tasks (WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows: number;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
  apiKey?: string;
  cliPath?: string;
  localPort: number;
  localUiPort: number;
}

export interface SmtpSettings {
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** The repository (or installed package) root: libs/config/src -> ../../.., also from dist/libs/config/src. */
export function projectRoot(): string {
  let dir = path.resolve(__dirname, '..', '..', '..');
  if (path.basename(dir) === 'dist') dir = path.dirname(dir);
  return dir;
}

export interface KawalConfig {
  env: Env['NODE_ENV'];
  /** Built-in programme templates, published at boot. */
  templatesDir: string;
  logLevel: Env['LOG_LEVEL'];
  locale: 'id' | 'en';
  dataDir: string;
  api: { host: string; port: number; publicBaseUrl: string };
  temporal: TemporalSettings;
  database: { url?: string; poolSize: number; embeddedPort: number };
  smtp: SmtpSettings & {
    configured: boolean;
    maildevSmtpPort: number;
    maildevWebPort: number;
    deadAfterMinutes: number;
    /** How long the single-use action link in a notification email works (MAIL_LINK_TTL_HOURS). */
    linkTtlHours: number;
  };
  /** When email goes out: working hours and the daily digest. */
  delivery: { workingHours: string; digestThreshold: number; digestHorizonDays: number; digestTime: string; dispatchIntervalMs: number; sendLeaseMs: number };
  /** Seed the demo data at start (KAWAL_DEMO; never with NODE_ENV=production). */
  demo: boolean;
  auth: {
    sessionIdleMinutes: number;
    sessionMaxDays: number;
    linkTtlMinutes: number;
    maxFailures: number;
    maxLinks: number;
    failureWindowMinutes: number;
    adminEmail?: string;
    adminPassword?: string;
  };
  evidence: {
    dir: string;
    maxBytes: number;
    /** Set when EVIDENCE_S3_BUCKET is: evidence goes to that bucket instead of `dir`. */
    s3: null | S3StorageSettings;
  };
}

function describe(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? 'environment');
  const raw = env[name];
  const got = raw === undefined ? '' : ` (got ${JSON.stringify(raw.length > 60 ? raw.slice(0, 57) + '...' : raw)})`;
  return `${name} ${issue.message}${got}`;
}

/** Reads and validates the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): KawalConfig {
  // Treat empty strings as unset, as shells and .env files often export VAR= for "nothing".
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => describe(i, cleaned));
    throw new ConfigError(`Invalid environment: ${issues.join('; ')}`);
  }
  const e = parsed.data;
  const tlsWanted = e.TEMPORAL_TLS || !!e.TEMPORAL_TLS_CERT_PATH || !!e.TEMPORAL_TLS_CA_PATH || !!e.TEMPORAL_API_KEY;
  if (!!e.TEMPORAL_TLS_CERT_PATH !== !!e.TEMPORAL_TLS_KEY_PATH) {
    throw new ConfigError('Invalid environment: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  if (e.SMTP_URL && e.SMTP_HOST) {
    throw new ConfigError('Invalid environment: SMTP_URL and SMTP_HOST are alternatives; set only one');
  }
  if (!!e.EVIDENCE_S3_ACCESS_KEY_ID !== !!e.EVIDENCE_S3_SECRET_ACCESS_KEY) {
    const missing = e.EVIDENCE_S3_ACCESS_KEY_ID ? 'EVIDENCE_S3_SECRET_ACCESS_KEY' : 'EVIDENCE_S3_ACCESS_KEY_ID';
    throw new ConfigError(
      `Invalid environment: ${missing} is missing; EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together`,
    );
  }
  const s3Setting = (['EVIDENCE_S3_ENDPOINT', 'EVIDENCE_S3_REGION', 'EVIDENCE_S3_PREFIX', 'EVIDENCE_S3_FORCE_PATH_STYLE', 'EVIDENCE_S3_ACCESS_KEY_ID'] as const).find(
    (name) => cleaned[name] !== undefined,
  );
  if (s3Setting && !e.EVIDENCE_S3_BUCKET) {
    throw new ConfigError(`Invalid environment: ${s3Setting} is set but EVIDENCE_S3_BUCKET is not; set the bucket to store evidence in S3`);
  }
  if (e.KAWAL_DEMO && e.NODE_ENV === 'production') {
    throw new ConfigError('Invalid environment: KAWAL_DEMO must not be true when NODE_ENV=production (the demo people have a published password)');
  }
  const dataDir = path.resolve(e.KAWAL_DATA_DIR);
  return {
    env: e.NODE_ENV,
    templatesDir: path.join(projectRoot(), 'templates'),
    logLevel: e.LOG_LEVEL,
    locale: e.KAWAL_LOCALE,
    dataDir,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/+$/, ''),
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      tls: tlsWanted
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      localPort: e.TEMPORAL_PORT,
      localUiPort: e.TEMPORAL_UI_PORT,
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, embeddedPort: e.EMBEDDED_PG_PORT },
    delivery: {
      workingHours: e.MAIL_WORKING_HOURS,
      digestThreshold: e.MAIL_DIGEST_THRESHOLD,
      digestHorizonDays: e.MAIL_DIGEST_HORIZON_DAYS,
      digestTime: e.MAIL_DIGEST_TIME,
      dispatchIntervalMs: e.MAIL_DISPATCH_INTERVAL_SECONDS * 1000,
      sendLeaseMs: e.MAIL_SEND_LEASE_SECONDS * 1000,
    },
    smtp: {
      deadAfterMinutes: e.MAIL_DEAD_AFTER_MINUTES,
      linkTtlHours: e.MAIL_LINK_TTL_HOURS,
      configured: !!(e.SMTP_URL || e.SMTP_HOST),
      url: e.SMTP_URL,
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
      from: e.MAIL_FROM,
      maildevSmtpPort: e.MAILDEV_SMTP_PORT,
      maildevWebPort: e.MAILDEV_WEB_PORT,
    },
    demo: e.KAWAL_DEMO,
    auth: {
      sessionIdleMinutes: e.AUTH_SESSION_IDLE_MINUTES,
      sessionMaxDays: e.AUTH_SESSION_MAX_DAYS,
      linkTtlMinutes: e.AUTH_LINK_TTL_MINUTES,
      maxFailures: e.AUTH_MAX_FAILURES,
      maxLinks: e.AUTH_MAX_LINKS,
      failureWindowMinutes: e.AUTH_FAILURE_WINDOW_MINUTES,
      adminEmail: e.KAWAL_ADMIN_EMAIL?.toLowerCase(),
      adminPassword: e.KAWAL_ADMIN_PASSWORD,
    },
    evidence: {
      dir: path.resolve(e.EVIDENCE_DIR ?? path.join(dataDir, 'evidence')),
      maxBytes: e.EVIDENCE_MAX_BYTES,
      s3: e.EVIDENCE_S3_BUCKET
        ? {
            endpoint: e.EVIDENCE_S3_ENDPOINT,
            region: e.EVIDENCE_S3_REGION,
            bucket: e.EVIDENCE_S3_BUCKET,
            prefix: e.EVIDENCE_S3_PREFIX.replace(/^\/+|\/+$/g, ''),
            forcePathStyle: e.EVIDENCE_S3_FORCE_PATH_STYLE ?? !!e.EVIDENCE_S3_ENDPOINT,
            accessKeyId: e.EVIDENCE_S3_ACCESS_KEY_ID,
            secretAccessKey: e.EVIDENCE_S3_SECRET_ACCESS_KEY,
          }
        : null,
    },
  };
}

/** For processes that need a running dependency: fail fast with one line when it is not configured. */
export function requireSetting<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`Invalid environment: ${name} is required for this process`);
  return value;
}
