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
  ])('rejects %j with one line naming the variable and the rule', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('treats empty values as unset and reads external services', () => {
    const c = loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k', SMTP_URL: 'smtps://u:p@smtp.example:465' });
    expect(c.api.port).toBe(3000);
    expect(c.temporal.tls).toBeDefined();
    expect(c.temporal.apiKey).toBe('k');
    expect(c.smtp.configured).toBe(true);
  });
});
