import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LocalDiskStorage, S3Storage, createEvidenceStorage, type S3StorageSettings } from '@kawal/storage';
import { startS3Server, type S3TestServer } from '../support/s3';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Exchange {
  command: string;
  headers: Record<string, string>;
  status?: number;
}

/** Records every request this client sends (command, headers) and the HTTP status it got back. */
function recordExchanges(client: S3Client): Exchange[] {
  const log: Exchange[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      const entry: Exchange = { command: String(context.commandName), headers: { ...request.headers } };
      log.push(entry);
      try {
        const out = await next(args);
        entry.status = (out.response as { statusCode?: number }).statusCode;
        return out;
      } catch (err) {
        entry.status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        throw err;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordExchanges' },
  );
  return log;
}

describe('S3Storage against a real S3 server (moto, over HTTP)', () => {
  let s3: S3TestServer;
  const storages: S3Storage[] = [];

  function settings(overrides: Partial<S3StorageSettings> = {}): S3StorageSettings {
    return {
      endpoint: s3.endpoint,
      region: s3.region,
      bucket: s3.bucket,
      prefix: '',
      forcePathStyle: true,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      ...overrides,
    };
  }

  function storage(overrides: Partial<S3StorageSettings> = {}): S3Storage {
    const s = new S3Storage(settings(overrides));
    storages.push(s);
    return s;
  }

  beforeAll(async () => {
    s3 = await startS3Server();
  });

  afterAll(async () => {
    storages.forEach((s) => s.onModuleDestroy());
    await s3?.stop();
  });

  it('stores content under its SHA-256 and reads the same bytes back', async () => {
    const store = storage();
    const log = recordExchanges(store.client);
    const content = randomBytes(256 * 1024);
    const stored = await store.put(content);
    // One conditional upload carrying the SHA-256 for the server to check.
    expect(log).toEqual([{ command: 'PutObjectCommand', headers: expect.any(Object), status: 200 }]);
    expect(log[0].headers['if-none-match']).toBe('*');
    expect(log[0].headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(content).digest('base64'));
    expect(stored).toEqual({ key: `${sha256(content).slice(0, 2)}/${sha256(content)}`, sha256: sha256(content), sizeBytes: content.length });
    const back = await readAll(await store.open(stored.key));
    expect(back.equals(content)).toBe(true);
    expect(sha256(back)).toBe(stored.sha256);

    // The object is where the layout says, and the server kept the SHA-256 the client sent.
    const head = await store.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `evidence/${stored.key}`, ChecksumMode: 'ENABLED' }),
    );
    expect(head.ContentLength).toBe(content.length);
    expect(Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex')).toBe(stored.sha256);
  });

  it('stores the same content twice under one key without failing or overwriting', async () => {
    const store = storage();
    const content = Buffer.from(`same content ${randomBytes(8).toString('hex')}`);
    const first = await store.put(content);
    const before = await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `evidence/${first.key}` }));
    const log = recordExchanges(store.client);
    const second = await store.put(content);
    expect(second).toEqual(first);
    // The server refused the second write (412), and the existing object was confirmed instead.
    expect(log.map((e) => [e.command, e.status])).toEqual([
      ['PutObjectCommand', 412],
      ['HeadObjectCommand', 200],
    ]);
    const after = await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `evidence/${first.key}` }));
    // Not rewritten: same object, same modification time.
    expect(after.ETag).toBe(before.ETag);
    expect(after.LastModified?.getTime()).toBe(before.LastModified?.getTime());
    const listed = await store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `evidence/${first.key}` }));
    expect(listed.KeyCount).toBe(1);
    // Concurrent puts of the same content all succeed.
    const concurrent = await Promise.all([1, 2, 3].map(() => store.put(Buffer.from(`racing ${first.sha256}`))));
    expect(new Set(concurrent.map((c) => c.key)).size).toBe(1);
  });

  it('never overwrites: a damaged object under the key is reported, not replaced', async () => {
    const store = storage();
    const content = Buffer.from(`genuine ${randomBytes(8).toString('hex')}`);
    const sha = sha256(content);
    const objectKey = `evidence/${sha.slice(0, 2)}/${sha}`;
    await store.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: objectKey, Body: Buffer.from('tampered bytes') }));
    await expect(store.put(content)).rejects.toThrow(/already exists with 14 bytes.*damaged/);
    const got = await store.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: objectKey }));
    expect(await got.Body!.transformToString()).toBe('tampered bytes');
  });

  it('verifies a download against the SHA-256 the server holds', async () => {
    // moto keeps whatever checksum it is sent (AWS and MinIO would refuse this upload): simulate bytes damaged at rest.
    const store = storage();
    const content = Buffer.from(`at rest ${randomBytes(8).toString('hex')}`);
    const sha = sha256(content);
    await store.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: `evidence/${sha.slice(0, 2)}/${sha}`,
        Body: Buffer.from('damaged at rest!'),
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(content).digest('base64'),
      }),
    );
    await expect(readAll(await store.open(`${sha.slice(0, 2)}/${sha}`))).rejects.toThrow(/checksum/i);
  });

  it('gives two different contents two keys', async () => {
    const store = storage();
    const a = await store.put(Buffer.from('content A'));
    const b = await store.put(Buffer.from('content B'));
    expect(a.key).not.toBe(b.key);
    expect((await readAll(await store.open(a.key))).toString()).toBe('content A');
    expect((await readAll(await store.open(b.key))).toString()).toBe('content B');
  });

  it('tells whether a key exists', async () => {
    const store = storage();
    const stored = await store.put(Buffer.from('exists?'));
    expect(await store.exists(stored.key)).toBe(true);
    const absent = sha256(Buffer.from('never stored'));
    expect(await store.exists(`${absent.slice(0, 2)}/${absent}`)).toBe(false);
  });

  it('refuses malformed keys before asking the server', async () => {
    const store = storage();
    const log = recordExchanges(store.client);
    const sha = sha256(Buffer.from('x'));
    for (const key of ['../etc/passwd', `${sha.slice(0, 2)}/../${sha}`, sha, `${sha.slice(0, 2)}/${sha.toUpperCase()}`, `zz/${sha}`, '']) {
      await expect(store.open(key)).rejects.toThrow(/invalid storage key/);
      expect(await store.exists(key)).toBe(false);
      expect(() => store.objectKey(key)).toThrow(/invalid storage key/);
    }
    expect(log).toEqual([]);
  });

  it('fails clearly when opening a key that was never stored', async () => {
    const absent = sha256(Buffer.from('absent'));
    await expect(storage().open(`${absent.slice(0, 2)}/${absent}`)).rejects.toThrow(/no object evidence\/.+ in s3:\/\//);
  });

  it('puts objects under the prefix', async () => {
    const store = storage({ prefix: '/tenant-a/kawal/' });
    const stored = await store.put(Buffer.from('prefixed'));
    expect(store.objectKey(stored.key)).toBe(`tenant-a/kawal/evidence/${stored.key}`);
    const got = await store.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `tenant-a/kawal/evidence/${stored.key}` }));
    expect(await got.Body!.transformToString()).toBe('prefixed');
    expect(await store.exists(stored.key)).toBe(true);
    expect(await storage().exists(stored.key)).toBe(false); // no prefix: a different object key
  });

  it('check() is ok for the bucket and not ok for a missing bucket or an unreachable endpoint', async () => {
    await expect(storage().check()).resolves.toEqual({ ok: true, detail: expect.stringContaining(s3.bucket) });

    const missing = await storage({ bucket: 'kawal-no-such-bucket' }).check();
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/kawal-no-such-bucket.*does not exist/);

    const down = await storage({ endpoint: 'http://127.0.0.1:9' }).check();
    expect(down.ok).toBe(false);
    expect(down.detail).toContain('http://127.0.0.1:9');
  });

  it('put into a missing bucket fails with a message naming the bucket', async () => {
    await expect(storage({ bucket: 'kawal-no-such-bucket' }).put(Buffer.from('x'))).rejects.toThrow(/could not store .*kawal-no-such-bucket/);
  });
});

describe('createEvidenceStorage', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kawal-evidence-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the local directory without a bucket', async () => {
    expect(createEvidenceStorage({ dir, maxBytes: 1024 })).toBeInstanceOf(LocalDiskStorage);
    const local = createEvidenceStorage({ dir, maxBytes: 1024, s3: null });
    expect(local).toBeInstanceOf(LocalDiskStorage);
    await expect(local.check()).resolves.toEqual({ ok: true, detail: expect.stringContaining(dir) });
  });

  it('uses S3 when a bucket is configured', () => {
    const s3 = createEvidenceStorage({
      dir,
      maxBytes: 1024,
      s3: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'kawal', prefix: '', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b' },
    });
    expect(s3).toBeInstanceOf(S3Storage);
    (s3 as S3Storage).onModuleDestroy();
  });

  it('reports a local directory that cannot be written', async () => {
    const file = path.join(dir, 'not-a-directory');
    writeFileSync(file, '');
    const result = await new LocalDiskStorage(path.join(file, 'evidence')).check();
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('not writable');
  });
});
