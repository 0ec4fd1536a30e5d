import { ConfigError, loadConfig } from '@kawal/config';

describe('configuration', () => {
  it('has working defaults for one machine', () => {
    const c = loadConfig({});
    expect(c.api).toMatchObject({ host: '127.0.0.1', port: 3000, publicBaseUrl: 'http://localhost:3000' });
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'kawal', localPort: 7233 });
    expect(c.database.url).toBeUndefined();
    expect(c.smtp.configured).toBe(false);
  });

  it.each([
    [{ API_PORT: 'abc' }, /^Invalid environment: API_PORT must be a port number \(got "abc"\)$/],
    [{ API_PORT: '70000' }, /^Invalid environment: API_PORT must be between 1 and 65535 \(got "70000"\)$/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgresql:\/\/ connection URL/],
    [{ TEMPORAL_ADDRESS: 'http://temporal:7233' }, /TEMPORAL_ADDRESS must be host:port/],
    [{ TEMPORAL_TLS: 'maybe' }, /TEMPORAL_TLS must be true or false/],
    [{ TEMPORAL_TLS_CERT_PATH: '/x.pem' }, /TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together/],
    [{ SMTP_URL: 'smtp://a', SMTP_HOST: 'b' }, /SMTP_URL and SMTP_HOST are alternatives/],
    [
      { EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_ACCESS_KEY_ID: 'AKIA' },
      /^Invalid environment: EVIDENCE_S3_SECRET_ACCESS_KEY is missing; EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together$/,
    ],
    [
      { EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_SECRET_ACCESS_KEY: 's' },
      /^Invalid environment: EVIDENCE_S3_ACCESS_KEY_ID is missing; EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together$/,
    ],
    [{ EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_ENDPOINT: 'minio:9000' }, /^Invalid environment: EVIDENCE_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL.* \(got "minio:9000"\)$/],
    [{ EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_ENDPOINT: 'ftp://minio:9000' }, /EVIDENCE_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/],
    [{ EVIDENCE_S3_BUCKET: 's3://kawal-evidence' }, /^Invalid environment: EVIDENCE_S3_BUCKET must be a bare bucket name.* \(got "s3:\/\/kawal-evidence"\)$/],
    [{ EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_FORCE_PATH_STYLE: 'sometimes' }, /EVIDENCE_S3_FORCE_PATH_STYLE must be true or false/],
    [{ EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_PREFIX: 'a b' }, /EVIDENCE_S3_PREFIX must contain only letters, digits/],
    [{ EVIDENCE_S3_ENDPOINT: 'http://minio:9000' }, /^Invalid environment: EVIDENCE_S3_ENDPOINT is set but EVIDENCE_S3_BUCKET is not/],
    [{ EVIDENCE_S3_ACCESS_KEY_ID: 'AKIA', EVIDENCE_S3_SECRET_ACCESS_KEY: 's' }, /EVIDENCE_S3_ACCESS_KEY_ID is set but EVIDENCE_S3_BUCKET is not/],
    [{ KAWAL_DEMO: 'true', NODE_ENV: 'production' }, /^Invalid environment: KAWAL_DEMO must not be true when NODE_ENV=production/],
    [{ KAWAL_DEMO: 'perhaps' }, /KAWAL_DEMO must be true or false/],
  ])('rejects %j with one line naming the variable and the rule', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('seeds the demo only when asked (npm start asks)', () => {
    expect(loadConfig({}).demo).toBe(false);
    expect(loadConfig({ KAWAL_DEMO: 'true' }).demo).toBe(true);
  });

  it('keeps evidence on local disk unless a bucket is set', () => {
    const c = loadConfig({ EVIDENCE_S3_BUCKET: '', EVIDENCE_S3_ENDPOINT: '' });
    expect(c.evidence.s3).toBeNull();
    expect(c.evidence.dir).toMatch(/evidence$/);
  });

  it('reads the S3 bucket with defaults: AWS region us-east-1, no prefix, virtual-hosted style, SDK credentials', () => {
    expect(loadConfig({ EVIDENCE_S3_BUCKET: 'kawal-evidence' }).evidence.s3).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'kawal-evidence',
      prefix: '',
      forcePathStyle: false,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
  });

  it('uses path-style URLs by default with an endpoint (MinIO), unless told otherwise', () => {
    const env = {
      EVIDENCE_S3_BUCKET: 'kawal',
      EVIDENCE_S3_ENDPOINT: 'http://minio.internal:9000',
      EVIDENCE_S3_REGION: 'ap-southeast-3',
      EVIDENCE_S3_PREFIX: '/prod/kawal/',
      EVIDENCE_S3_ACCESS_KEY_ID: 'minio',
      EVIDENCE_S3_SECRET_ACCESS_KEY: 'minio-secret',
    };
    expect(loadConfig(env).evidence.s3).toEqual({
      endpoint: 'http://minio.internal:9000',
      region: 'ap-southeast-3',
      bucket: 'kawal',
      prefix: 'prod/kawal',
      forcePathStyle: true,
      accessKeyId: 'minio',
      secretAccessKey: 'minio-secret',
    });
    expect(loadConfig({ ...env, EVIDENCE_S3_FORCE_PATH_STYLE: 'false' }).evidence.s3?.forcePathStyle).toBe(false);
    expect(loadConfig({ EVIDENCE_S3_BUCKET: 'kawal', EVIDENCE_S3_FORCE_PATH_STYLE: 'true' }).evidence.s3?.forcePathStyle).toBe(true);
  });

  it('treats empty values as unset and reads external services', () => {
    const c = loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k', SMTP_URL: 'smtps://u:p@smtp.example:465' });
    expect(c.api.port).toBe(3000);
    expect(c.temporal.tls).toBeDefined();
    expect(c.temporal.apiKey).toBe('k');
    expect(c.smtp.configured).toBe(true);
  });
});
