import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { EvidenceStorage, assertStorageKey, contentAddress, type StorageCheck, type StoredObject } from './evidence-storage';

/** Where and how to reach the bucket (the `evidence.s3` section of the configuration). */
export interface S3StorageSettings {
  /** S3-compatible endpoint (MinIO, Ceph, ...); undefined means AWS S3 in `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Prepended to every object key (`<prefix>/evidence/ab/ab12...`); '' for none. */
  prefix: string;
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted (`bucket.endpoint/key`). */
  forcePathStyle: boolean;
  /** Both or neither; without them the SDK's default credential chain (AWS_* variables, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** Gives up on a connection that does not open within this long (the SDK default is to wait forever). */
const CONNECT_TIMEOUT_MS = 5_000;
/** The boot and health check gives up after this long. */
const CHECK_TIMEOUT_MS = 10_000;

interface S3ErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(err: unknown): number | undefined {
  return (err as S3ErrorShape | undefined)?.$metadata?.httpStatusCode;
}

function describeError(err: unknown): string {
  const e = err as S3ErrorShape;
  const status = statusOf(err);
  const name = e?.name && e.name !== 'Error' ? e.name : undefined;
  const message = e?.message && e.message !== name && e.message !== 'UnknownError' ? e.message : undefined;
  return [status ? `HTTP ${status}` : undefined, name, message].filter(Boolean).join(' ') || String(err);
}

/**
 * Evidence in an S3-compatible bucket, content-addressed like LocalDiskStorage: the storage key (`ab/ab12...`, what
 * the database keeps) is the same for both backends; the object is `<prefix>/evidence/<key>` in the bucket.
 *
 * A put never overwrites: it is conditional (`If-None-Match: *`), and an object already under that key (the same
 * content, by construction) counts as success once its size and, when the server reports it, its SHA-256 match.
 * Every upload carries its SHA-256 (`x-amz-checksum-sha256`) so a server that verifies checksums (AWS S3, MinIO)
 * refuses bytes damaged in transit; reads ask for the stored checksum so the SDK can verify the download.
 */
export class S3Storage extends EvidenceStorage {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  constructor(private readonly settings: S3StorageSettings, client?: S3Client) {
    super();
    if (!!settings.accessKeyId !== !!settings.secretAccessKey) {
      throw new Error('S3 storage: accessKeyId and secretAccessKey must be given together');
    }
    this.bucket = settings.bucket;
    const prefix = settings.prefix.replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
    this.ownsClient = !client;
    this.client =
      client ??
      new S3Client({
        region: settings.region,
        endpoint: settings.endpoint,
        forcePathStyle: settings.forcePathStyle,
        credentials:
          settings.accessKeyId && settings.secretAccessKey
            ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
            : undefined,
        requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS },
      });
  }

  /** The object key in the bucket for a storage key (validated: nothing outside `<prefix>/evidence/` is reachable). */
  objectKey(key: string): string {
    assertStorageKey(key);
    return `${this.prefix}evidence/${key}`;
  }

  /** `s3://bucket/prefix` (and the endpoint, when not AWS), for messages. */
  describe(): string {
    const where = `s3://${this.bucket}/${this.prefix}evidence/`;
    return this.settings.endpoint ? `${where} at ${this.settings.endpoint}` : `${where} (${this.settings.region})`;
  }

  async put(content: Buffer): Promise<StoredObject> {
    const { key, sha256 } = contentAddress(content);
    const objectKey = this.objectKey(key);
    const stored = { key, sha256, sizeBytes: content.length };
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: content,
          ContentLength: content.length,
          ContentType: 'application/octet-stream',
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(content).digest('base64'),
        }),
      );
      return stored;
    } catch (err) {
      // 412: the object exists. 409: a concurrent conditional write of the same key (AWS); whichever won, the key
      // holds (or will hold) the same bytes. Either way, confirm what is there rather than assume.
      const status = statusOf(err);
      if (status !== 412 && status !== 409) throw new Error(`S3 storage: could not store ${objectKey} in ${this.describe()}: ${describeError(err)}`);
    }
    const existing = await this.head(objectKey);
    if (!existing) throw new Error(`S3 storage: conditional put of ${objectKey} was refused but the object is not there`);
    if (existing.ContentLength !== undefined && existing.ContentLength !== content.length) {
      throw new Error(`S3 storage: ${objectKey} already exists with ${existing.ContentLength} bytes, expected ${content.length}: the stored object is damaged`);
    }
    const storedSha = existing.ChecksumSHA256 && existing.ChecksumType !== 'COMPOSITE' ? Buffer.from(existing.ChecksumSHA256, 'base64').toString('hex') : undefined;
    if (storedSha && storedSha !== sha256) {
      throw new Error(`S3 storage: ${objectKey} already exists with SHA-256 ${storedSha}: the stored object is damaged`);
    }
    return stored;
  }

  async open(key: string): Promise<Readable> {
    const objectKey = this.objectKey(key);
    let body: unknown;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ChecksumMode: 'ENABLED' }));
      body = out.Body;
    } catch (err) {
      if (statusOf(err) === 404) throw new Error(`S3 storage: no object ${objectKey} in ${this.describe()}`);
      throw new Error(`S3 storage: could not read ${objectKey} from ${this.describe()}: ${describeError(err)}`);
    }
    if (body instanceof Readable) return body;
    throw new Error(`S3 storage: unexpected body type for ${objectKey}`);
  }

  async exists(key: string): Promise<boolean> {
    let objectKey: string;
    try {
      objectKey = this.objectKey(key);
    } catch {
      return false; // as LocalDiskStorage: a malformed key names nothing
    }
    return (await this.head(objectKey)) !== undefined;
  }

  /** HeadBucket: the bucket exists and these credentials may use it. */
  async check(): Promise<StorageCheck> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      return { ok: true, detail: `bucket reachable: ${this.describe()}` };
    } catch (err) {
      const status = statusOf(err);
      const why =
        status === 404
          ? 'the bucket does not exist'
          : status === 403
            ? 'access denied (check the credentials; HeadBucket needs s3:ListBucket on the bucket)'
            : describeError(err);
      return { ok: false, detail: `bucket not usable: ${this.describe()}: ${why}` };
    }
  }

  /** Releases the client's sockets (unless the client was given to the constructor). Nest calls it on close. */
  onModuleDestroy(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private async head(objectKey: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey, ChecksumMode: 'ENABLED' }));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new Error(`S3 storage: could not look up ${objectKey} in ${this.describe()}: ${describeError(err)}`);
    }
  }
}
