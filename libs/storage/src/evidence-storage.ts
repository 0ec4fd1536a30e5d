import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Where evidence files live. Objects are content-addressed and immutable: a put never overwrites.
 * An abstract class rather than an interface so it doubles as the Nest injection token.
 */
export abstract class EvidenceStorage {
  abstract put(content: Buffer): Promise<StoredObject>;
  abstract open(key: string): Promise<Readable>;
  abstract exists(key: string): Promise<boolean>;
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
    if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`invalid storage key: ${key}`);
    return path.join(this.root, key);
  }

  async put(content: Buffer): Promise<StoredObject> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const key = `${sha256.slice(0, 2)}/${sha256}`;
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
}
