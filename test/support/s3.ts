/**
 * A real S3 endpoint for tests: moto's server (`moto_server`, from the PyPI package moto[server] that
 * scripts/setup-tools.js installs into .tools/venv) on 127.0.0.1:<free port>, in memory, plain HTTP, any credentials.
 *
 *   const s3 = await startS3Server();
 *   const storage = new S3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, prefix: '',
 *     forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
 *   ...
 *   await s3.stop();   // afterAll, or the server outlives the test file
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { toolsBinDir } from '../../libs/runtime/src/temporal-binaries';
import { freePort } from './ports';

export interface S3TestServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** A bucket created for this server (empty). */
  bucket: string;
  region: string;
  /** moto accepts any credentials; these are what the helper used. */
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const REGION = 'us-east-1';
const ACCESS_KEY_ID = 'test';
const SECRET_ACCESS_KEY = 'test';
const START_TIMEOUT_MS = 30_000;

/** .tools/venv/bin/moto_server, or a clear error saying how to install it. */
function motoServerPath(): string {
  const exe = path.join(toolsBinDir(), process.platform === 'win32' ? 'moto_server.exe' : 'moto_server');
  try {
    accessSync(exe, constants.X_OK);
    return exe;
  } catch {
    throw new Error(`moto_server not found at ${exe}: run \`node scripts/setup-tools.js\` (installs moto[server] into .tools/venv)`);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
}

/** Resolves once the server answers HTTP on `endpoint`; rejects if the process exits first or on timeout. */
async function waitUntilAnswering(child: ChildProcess, endpoint: string, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (code ${child.exitCode ?? child.signalCode}) before answering on ${endpoint}: ${output().trim().slice(-2000)}`);
    }
    try {
      const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s: ${output().trim().slice(-2000)}`);
}

/**
 * Runs moto_server through the venv's python so that, on Linux, the kernel kills it when this process dies
 * (PR_SET_PDEATHSIG survives exec): a test process that crashes or is killed leaves no server behind. Elsewhere the
 * prctl call fails and moto_server simply runs.
 */
const DIE_WITH_PARENT = [
  'import ctypes, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)',
  '    if os.getppid() != int(sys.argv[1]): sys.exit(1)',
  'except (AttributeError, OSError):',
  '    pass',
  'os.execv(sys.argv[2], sys.argv[2:])',
].join('\n');

async function spawnMoto(exe: string, port: number): Promise<{ child: ChildProcess; endpoint: string }> {
  const endpoint = `http://${HOST}:${port}`;
  const args = ['-H', HOST, '-p', String(port)];
  const python = path.join(path.dirname(exe), 'python'); // the venv's interpreter (Linux only, below)
  const child =
    process.platform === 'linux'
      ? spawn(python, ['-c', DIE_WITH_PARENT, String(process.pid), exe, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`could not start ${exe}: ${err.message}`))));
  try {
    await Promise.race([waitUntilAnswering(child, endpoint, () => output), spawnError]);
  } catch (err) {
    await stopProcess(child);
    throw Object.assign(err as Error, { addressInUse: /address already in use/i.test(output) });
  }
  return { child, endpoint };
}

/** Starts moto's S3 server on a free port and creates an empty bucket in it. */
export async function startS3Server(): Promise<S3TestServer> {
  const exe = motoServerPath();
  let started: { child: ChildProcess; endpoint: string } | undefined;
  for (let attempt = 0; !started; attempt += 1) {
    try {
      started = await spawnMoto(exe, await freePort(HOST));
    } catch (err) {
      // freePort has a small race: another process may take the port first; try another one.
      if (!(err as { addressInUse?: boolean }).addressInUse || attempt >= 3) throw err;
    }
  }
  const { child, endpoint } = started;
  // If the test process exits without calling stop(), do not leave the server behind (see also DIE_WITH_PARENT).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const bucket = `kawal-test-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopProcess(child);
    throw err;
  } finally {
    client.destroy();
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        await stopProcess(child);
      })();
      return stopped;
    },
  };
}
