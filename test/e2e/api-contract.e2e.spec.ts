import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProblemFilter } from '../../apps/api/src/common/problem.filter';
import { requestIdMiddleware } from '../../apps/api/src/common/request-id.middleware';
import { ApiStack, startApiStack } from '../support/api-stack';

/** Operations that need no sign-in; every other one must declare the bearer scheme and a 401. */
const PUBLIC_OPERATIONS = new Set(['get /health', 'post /auth/sign-in', 'post /auth/links', 'get /auth/links/{token}', 'post /auth/links/{token}', 'get /links/{token}', 'post /links/{token}']);

describe('API contract: OpenAPI completeness and RFC 9457 errors', () => {
  let stack: ApiStack;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let spec: any;

  beforeAll(async () => {
    stack = await startApiStack({ worker: false });
    spec = (await stack.call('GET', '/openapi.json', undefined, stack.anonymous)).body;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const operations = () =>
    Object.entries(spec.paths as Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>; summary?: string }>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ key: `${method} ${path}`, op })),
    );

  it('declares the security schemes, and on every operation who may call it, a 500 and (unless public) a 401', () => {
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(spec.components.securitySchemes['session-cookie']).toMatchObject({ type: 'apiKey', in: 'cookie' });
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { key, op } of ops) {
      const isPublic = PUBLIC_OPERATIONS.has(key);
      expect({ key, security: op.security }).toEqual({ key, security: isPublic ? [] : [{ bearer: [] }, { 'session-cookie': [] }] });
      expect({ key, has500: '500' in op.responses }).toEqual({ key, has500: true });
      if (!isPublic) expect({ key, has401: '401' in op.responses }).toEqual({ key, has401: true });
      expect({ key, success: Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)) }).toEqual({ key, success: true });
      expect({ key, summary: typeof op.summary === 'string' && op.summary.length > 0 }).toEqual({ key, summary: true });
    }
    for (const key of PUBLIC_OPERATIONS) expect(ops.map((o) => o.key)).toContain(key);
  });

  it('describes every error response as application/problem+json with the Problem schema', () => {
    for (const { key, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || !response.content) continue;
        // The one exception: a 503 from /health is the health report itself, the format monitors read.
        if (key === 'get /health' && status === '503') continue;
        expect({ key, status, types: Object.keys(response.content) }).toEqual({ key, status, types: ['application/problem+json'] });
        expect(response.content['application/problem+json'].schema?.$ref).toMatch(/^#\/components\/schemas\/[A-Za-z]*ProblemDto$/);
      }
    }
  });

  it('documents every route the application serves', async () => {
    const served = await stack.routes();
    const documented = new Set(operations().map((o) => o.key));
    const missing = served.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    expect(served.length).toBe(documented.size);
  });

  it('answers an unknown error with a generic 500 problem, logs it with the request id, and leaks no stack or SQL', async () => {
    @Controller('boom')
    class BoomController {
      @Get()
      boom(): never {
        throw new Error('insert into "people" ("password_hash") values ($1) -- at Object.<anonymous> (/srv/kawal/dist/x.js:12:3)');
      }
    }
    @Module({ controllers: [BoomController] })
    class BoomModule {}
    const logged: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      logged.push(String(message));
    });
    let app: INestApplication | undefined;
    try {
      app = await NestFactory.create(BoomModule, { logger: false });
      app.use(requestIdMiddleware);
      app.useGlobalFilters(new ProblemFilter());
      await app.listen(0, '127.0.0.1');
      const res = await fetch(`${await app.getUrl()}/boom`, { headers: { 'x-request-id': 'uji-permintaan-42' } });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('x-request-id')).toBe('uji-permintaan-42');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', requestId: 'uji-permintaan-42', instance: '/boom' });
      expect(JSON.stringify(body)).not.toMatch(/insert into|password_hash|\.js:\d+/);
      expect(logged.some((l) => l.includes('[uji-permintaan-42]') && l.includes('insert into'))).toBe(true);
    } finally {
      spy.mockRestore();
      await app?.close();
    }
  });
});
