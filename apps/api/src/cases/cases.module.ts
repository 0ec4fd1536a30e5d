import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AppConfig } from '@kawal/config';
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
  providers: [CasesService, CasesRepository],
  exports: [CasesService],
})
export class CasesModule {}
