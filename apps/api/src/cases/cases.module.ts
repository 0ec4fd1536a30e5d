import { Logger, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AppConfig } from '@kawal/config';
import { EvidenceStorage, createEvidenceStorage } from '@kawal/storage';
import { PeopleModule } from '../people/people.module';
import { UnitsModule } from '../units/units.module';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';

@Module({
  imports: [
    PeopleModule,
    UnitsModule,
    // Memory storage: the bytes are hashed and type-checked before anything is written; one byte over the limit is refused.
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.evidence.maxBytes, files: 1, fields: 10 } }),
      inject: [AppConfig],
    }),
  ],
  controllers: [CasesController],
  providers: [
    CasesService,
    CasesRepository,
    { provide: EvidenceStorage, useFactory: evidenceStorageFactory, inject: [AppConfig] },
  ],
})
export class CasesModule {}

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
