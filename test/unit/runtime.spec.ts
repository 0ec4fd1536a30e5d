import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertPortFree,
  embeddedPostgresUrl,
  isPortFree,
  PortInUseError,
  redactUrl,
  resolveTemporalCli,
  resolveTimeSkippingServer,
  spawnManaged,
  stopChild,
} from '../../libs/runtime/src';

function listen(host = '127.0.0.1'): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('assertPortFree', () => {
  it('resolves for a free port', async () => {
    const { server, port } = await listen();
    await close(server);
    await expect(assertPortFree(port, '127.0.0.1', 'Temporal dev server', 'TEMPORAL_PORT')).resolves.toBeUndefined();
    await expect(isPortFree(port)).resolves.toBe(true);
  });

  it('names the port, its user and the variable when the port is taken', async () => {
    const { server, port } = await listen();
    try {
      const err = await assertPortFree(port, '127.0.0.1', 'Temporal dev server', 'TEMPORAL_PORT').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(
        `Port ${port} (Temporal dev server) is already in use; stop the other process or set TEMPORAL_PORT`,
      );
      expect((err as Error).message).not.toContain('\n');
      await expect(isPortFree(port)).resolves.toBe(false);
    } finally {
      await close(server);
    }
  });

  it('sees a wildcard listener when probing 127.0.0.1', async () => {
    const { server, port } = await listen('0.0.0.0');
    try {
      await expect(assertPortFree(port, '127.0.0.1', 'API', 'API_PORT')).rejects.toThrow(
        `Port ${port} (API) is already in use; stop the other process or set API_PORT`,
      );
    } finally {
      await close(server);
    }
  });
});

// Kawal runs on POSIX systems only (process groups, signals), as do these tests.
describe('resolveTemporalCli / resolveTimeSkippingServer', () => {
  let tmp: string;
  let explicitDir: string;
  let pathDir: string;
  let toolsDir: string;
  let emptyDir: string;

  function fakeExecutable(dir: string, name: string, mode = 0o755): string {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, mode);
    return file;
  }

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kawal-runtime-'));
    explicitDir = path.join(tmp, 'explicit');
    pathDir = path.join(tmp, 'on-path');
    toolsDir = path.join(tmp, '.tools', 'venv', 'bin');
    emptyDir = path.join(tmp, 'empty');
    mkdirSync(emptyDir);
    for (const dir of [pathDir, toolsDir]) {
      fakeExecutable(dir, 'temporal');
      fakeExecutable(dir, 'temporal-test-server');
    }
    fakeExecutable(explicitDir, 'my-temporal');
    fakeExecutable(explicitDir, 'not-executable', 0o644);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prefers the explicit path over PATH and the tools folder', () => {
    const explicit = path.join(explicitDir, 'my-temporal');
    expect(resolveTemporalCli(explicit, pathDir, toolsDir)).toEqual({ path: explicit, source: 'explicit' });
  });

  it('prefers PATH over the tools folder, searching PATH entries in order', () => {
    const envPath = [emptyDir, pathDir].join(path.delimiter);
    expect(resolveTemporalCli(undefined, envPath, toolsDir)).toEqual({ path: path.join(pathDir, 'temporal'), source: 'path' });
    expect(resolveTimeSkippingServer(undefined, envPath, toolsDir)).toEqual({
      path: path.join(pathDir, 'temporal-test-server'),
      source: 'path',
    });
  });

  it('falls back to the tools folder, then to the SDK download', () => {
    expect(resolveTemporalCli(undefined, emptyDir, toolsDir)).toEqual({ path: path.join(toolsDir, 'temporal'), source: 'tools' });
    expect(resolveTemporalCli(undefined, emptyDir, emptyDir)).toEqual({ source: 'sdk-download' });
    expect(resolveTemporalCli(undefined, '', emptyDir)).toEqual({ source: 'sdk-download' });
  });

  it('ignores files on PATH that are not executable', () => {
    const dir = path.join(tmp, 'non-exec');
    fakeExecutable(dir, 'temporal', 0o644);
    expect(resolveTemporalCli(undefined, dir, toolsDir).source).toBe('tools');
  });

  it('rejects an explicit path that is not an executable, naming the variable', () => {
    expect(() => resolveTemporalCli(path.join(explicitDir, 'not-executable'), pathDir, toolsDir)).toThrow(/TEMPORAL_CLI_PATH/);
    expect(() => resolveTimeSkippingServer(path.join(tmp, 'missing'), pathDir, toolsDir)).toThrow(/TEMPORAL_TEST_SERVER_PATH/);
  });
});

describe('connection URLs', () => {
  it('builds the embedded PostgreSQL URL', () => {
    expect(embeddedPostgresUrl(5433)).toBe('postgresql://postgres:postgres@127.0.0.1:5433/postgres?sslmode=disable');
  });
  it('never shows a password', () => {
    expect(redactUrl('postgresql://kawal:s3cret@db.example:5432/kawal')).toBe('postgresql://kawal:***@db.example:5432/kawal');
    expect(redactUrl('postgresql://db.example/kawal')).toBe('postgresql://db.example/kawal');
  });
});

describe('stopChild', () => {
  it('stops a child with SIGTERM', async () => {
    const lines: string[] = [];
    const child = spawnManaged(process.execPath, ['-e', "console.log('up'); setInterval(() => {}, 1000)"], 'test', {
      log: (l) => lines.push(l),
    });
    await new Promise((r) => setTimeout(r, 300));
    const exit = await stopChild(child, 5000);
    expect(exit.signal).toBe('SIGTERM');
    expect(lines).toContain('up');
  });

  it('SIGKILLs a child that ignores SIGTERM after the timeout', async () => {
    const child = spawnManaged(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      'stubborn',
      { log: () => undefined },
    );
    await new Promise<void>((resolve) => child.process.stdout!.once('data', () => resolve()));
    const t0 = Date.now();
    const exit = await stopChild(child, 300);
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('reports a command that cannot start', async () => {
    const child = spawnManaged('/nonexistent/kawal-binary', [], 'missing', { log: () => undefined });
    const exit = await child.exited;
    expect(exit.error?.message).toMatch(/ENOENT/);
    await expect(stopChild(child, 100)).resolves.toBe(exit);
  });
});
