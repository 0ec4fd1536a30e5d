import { z } from 'zod';

/**
 * Every environment variable Kawal reads, validated once at boot. Nothing else in the code base reads process.env.
 * The README's table of variables mirrors this file.
 */
const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z.string().trim().min(1).optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose'], { error: 'must be error, warn, log, debug or verbose' }).default('log'),
  KAWAL_DATA_DIR: z.string().default('.data'),
  KAWAL_LOCALE: z.enum(['id', 'en'], { error: 'must be id or en' }).default('id'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: z.url({ error: 'must be an absolute URL, e.g. https://kawal.example.go.id' }).optional(),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. temporal.example:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kawal'),
  /** Workflows a worker keeps in memory between tasks; the SDK default fills a 4 GB heap on large launches. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(100_000, 'must be at most 100000').default(500),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(10),
  EMBEDDED_PG_PORT: port.default(5433),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_HOST: optionalString,
  SMTP_PORT: port.optional(),
  SMTP_SECURE: bool.optional(),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  MAIL_FROM: z.string().min(3).default('Kawal <kawal@localhost>'),
  /** How long an email keeps being retried through an SMTP outage before it is marked dead (minutes). */
  MAIL_DEAD_AFTER_MINUTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(43_200, 'must be at most 43200').default(1440),
  /** How long one attempt holds an email while it sends it (a retry waits meanwhile); above the Mailer's 60 s socket timeout. */
  MAIL_SEND_LEASE_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(5, 'must be at least 5').max(3600, 'must be at most 3600').default(180),
  /** Local hours (in the recipient's zone, on working days) in which email may go out; later ones wait. "any" = no limit. */
  MAIL_WORKING_HOURS: z
    .string()
    .regex(/^(any|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'must look like 07:00-17:00, or be "any"')
    .refine((v) => v === 'any' || v.slice(6) > v.slice(0, 5), 'must end after it starts')
    .default('07:00-17:00'),
  /** A person with more than this many tasks due or overdue gets one daily digest instead of one reminder per task. */
  MAIL_DIGEST_THRESHOLD: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(1000, 'must be at most 1000').default(3),
  /** "Due" for the digest: due within this many days (overdue always counts). */
  MAIL_DIGEST_HORIZON_DAYS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(60, 'must be at most 60').default(5),
  /** Local time of the daily digest on working days (the reminders of that morning are gathered into it). */
  MAIL_DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM').default('07:30'),
  /** How often the worker looks for deferred emails and digests that are due. */
  MAIL_DISPATCH_INTERVAL_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(30),
  /** How long the signed, single-use "open the task" link in a notification email works (hours). */
  MAIL_LINK_TTL_HOURS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(720, 'must be at most 720').default(72),
  MAILDEV_SMTP_PORT: port.default(1025),
  MAILDEV_WEB_PORT: port.default(1080),

  /** A signed-in session ends after this many minutes without use. */
  AUTH_SESSION_IDLE_MINUTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(43200, 'must be at most 43200').default(720),
  /** A signed-in session ends this many days after sign-in, used or not. */
  AUTH_SESSION_MAX_DAYS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(90, 'must be at most 90').default(7),
  /** How long an emailed sign-in link works. */
  AUTH_LINK_TTL_MINUTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1440, 'must be at most 1440').default(15),
  /** Failed sign-ins per email within the window before further attempts are refused (an address gets four times as many). */
  AUTH_MAX_FAILURES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(5),
  /** Sign-in links one person can be sent within the window (more requests are answered the same but send nothing). */
  AUTH_MAX_LINKS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(5),
  /** The window for counting failed sign-ins and sign-in links. */
  AUTH_FAILURE_WINDOW_MINUTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1440, 'must be at most 1440').default(15),
  /** Seed the demo (Kota Banjarbaru, its people for every role, a running KBM programme) when the API starts. npm start sets it. */
  KAWAL_DEMO: bool.default(false),
  /** With no administrator yet, the API creates this person as administrator everywhere. */
  KAWAL_ADMIN_EMAIL: z.email('must be an email address').optional(),
  /** The first administrator's password; without it one is generated and logged once. */
  KAWAL_ADMIN_PASSWORD: z.string().min(10, 'must have at least 10 characters').optional(),

  EVIDENCE_DIR: optionalString,
  EVIDENCE_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1024 * 1024 * 1024, 'must be at most 1 GiB')
    .default(20 * 1024 * 1024),
  /** When set, evidence goes to this S3-compatible bucket instead of EVIDENCE_DIR. */
  EVIDENCE_S3_BUCKET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a bare bucket name, e.g. kawal-evidence (no s3:// and no slashes)')
    .optional(),
  EVIDENCE_S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://minio.internal:9000' })
    .optional(),
  EVIDENCE_S3_REGION: z.string().trim().min(1).default('us-east-1'),
  EVIDENCE_S3_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "must contain only letters, digits and / ! - _ . * ' ( )")
    .default(''),
  EVIDENCE_S3_FORCE_PATH_STYLE: bool.optional(),
  EVIDENCE_S3_ACCESS_KEY_ID: optionalString,
  EVIDENCE_S3_SECRET_ACCESS_KEY: optionalString,
});

export type Env = z.infer<typeof envSchema>;
