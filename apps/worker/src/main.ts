import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, KawalConfig, loadConfig, nestLogLevels } from '@kawal/config';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  let config: KawalConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: nestLogLevels(config.logLevel) });
  app.enableShutdownHooks();
}

bootstrap().catch((err: Error) => {
  console.error(`Kawal worker failed to start: ${err.message}`);
  process.exit(1);
});
