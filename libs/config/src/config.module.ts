import { Global, Module } from '@nestjs/common';
import { KawalConfig, loadConfig } from './config';

/**
 * The validated configuration as an injectable: the class is the DI token (no string tokens), the merged
 * interface gives it KawalConfig's typed fields. Inject with `constructor(private readonly config: AppConfig)`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends KawalConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class AppConfig {}

/** Loads and validates configuration once; every Nest provider injects `AppConfig` and reads typed fields. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: KawalConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
