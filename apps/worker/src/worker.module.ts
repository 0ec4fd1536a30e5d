import { Module } from '@nestjs/common';
import { ConfigModule, KawalConfig } from '@kawal/config';
import { DatabaseModule } from '@kawal/database';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({})
export class WorkerModule {
  static forRoot(config: KawalConfig) {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule],
      providers: [TemporalWorkerService],
    };
  }
}
