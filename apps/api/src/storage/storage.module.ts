import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '@kawal/config';
import { EvidenceStorage, createEvidenceStorage } from '@kawal/storage';

/**
 * The bucket (EVIDENCE_S3_BUCKET) or the local directory, checked once at boot (HeadBucket, or a probe file; the S3
 * check gives up after 10 s). A missing bucket or an unwritable directory is logged as an error, not fatal: the rest
 * of the API works, and evidence uploads and downloads fail until it is fixed.
 */
async function evidenceStorageFactory(config: AppConfig): Promise<EvidenceStorage> {
  const storage = createEvidenceStorage(config.evidence);
  const logger = new Logger('EvidenceStorage');
  const result = await storage.check();
  if (result.ok) logger.log(result.detail);
  else logger.error(`${result.detail}; evidence uploads and downloads will fail until this is fixed`);
  return storage;
}

/** Where evidence files live (local disk or S3-compatible), shared by the evidence endpoints and /health. */
@Global()
@Module({
  providers: [{ provide: EvidenceStorage, useFactory: evidenceStorageFactory, inject: [AppConfig] }],
  exports: [EvidenceStorage],
})
export class StorageModule {}
