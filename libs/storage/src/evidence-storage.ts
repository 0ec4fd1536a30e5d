import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  sha256: string;
  sizeBytes: number;
}

/** The outcome of a storage self-check: `detail` is one line for logs and operators. */
export interface StorageCheck {
  ok: boolean;
  detail: string;
}

/** Storage keys are `<first two hex digits of the SHA-256>/<SHA-256>`, the same for every backend. */
const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** Throws unless `key` is a well-formed storage key (so no key can name anything outside the evidence area). */
export function assertStorageKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key: ${key}`);
}

/** The SHA-256 (hex) of `content` and the storage key it is kept under. */
export function contentAddress(content: Buffer): { key: string; sha256: string } {
  const sha256 = createHash('sha256').update(content).digest('hex');
  return { key: `${sha256.slice(0, 2)}/${sha256}`, sha256 };
}

/**
 * Where evidence files live. Objects are content-addressed and immutable: a put never overwrites.
 * An abstract class rather than an interface so it doubles as the Nest injection token.
 */
export abstract class EvidenceStorage {
  abstract put(content: Buffer): Promise<StoredObject>;
  abstract open(key: string): Promise<Readable>;
  abstract exists(key: string): Promise<boolean>;
  /** Whether the storage can be used right now (directory writable, bucket reachable). Never throws. */
  abstract check(): Promise<StorageCheck>;
}

/**
 * Local-disk storage under a directory: the file is written to a temp name in the same directory, fsynced and
 * renamed into place, so a crash leaves either the whole file or nothing under its final key.
 */
export class LocalDiskStorage extends EvidenceStorage {
  constructor(private readonly root: string) {
    super();
  }

  private pathFor(key: string): string {
    assertStorageKey(key);
    return path.join(this.root, key);
  }

  async put(content: Buffer): Promise<StoredObject> {
    const { key, sha256 } = contentAddress(content);
    const final = this.pathFor(key);
    if (await this.exists(key)) return { key, sha256, sizeBytes: content.length };
    await fs.mkdir(path.dirname(final), { recursive: true });
    const temp = `${final}.${randomUUID()}.part`;
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, final);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return { key, sha256, sizeBytes: content.length };
  }

  async open(key: string): Promise<Readable> {
    return createReadStream(this.pathFor(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathFor(key));
      return true;
    } catch {
      return false;
    }
  }

  /** The directory exists (it is created if missing) and a file can be written in it. */
  async check(): Promise<StorageCheck> {
    const probe = path.join(this.root, `.check-${randomUUID()}.part`);
    try {
      await fs.mkdir(this.root, { recursive: true });
      await fs.access(this.root, fsConstants.W_OK);
      await fs.writeFile(probe, '', { flag: 'wx' });
      await fs.rm(probe, { force: true });
      return { ok: true, detail: `local directory ${this.root} is writable` };
    } catch (err) {
      await fs.rm(probe, { force: true }).catch(() => undefined);
      return { ok: false, detail: `local directory ${this.root} is not writable: ${(err as Error).message}` };
    }
  }
}
