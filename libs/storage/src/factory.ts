import { EvidenceStorage, LocalDiskStorage } from './evidence-storage';
import { S3Storage, type S3StorageSettings } from './s3-storage';

/** The `evidence` section of the configuration, as far as storage cares. */
export interface EvidenceStorageConfig {
  /** Local directory (used when there is no bucket). */
  dir: string;
  maxBytes: number;
  /** A bucket to use instead of the local directory; null or absent means local disk. */
  s3?: S3StorageSettings | null;
}

/** S3 when a bucket is configured (EVIDENCE_S3_BUCKET), else the local directory (EVIDENCE_DIR). */
export function createEvidenceStorage(config: EvidenceStorageConfig): EvidenceStorage {
  return config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(config.dir);
}
