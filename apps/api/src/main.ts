import 'reflect-metadata';
import { ConfigError, KawalConfig, loadConfig } from '@kawal/config';
import { createApiApp } from './bootstrap';

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
  const app = await createApiApp(config);
  try {
    await app.listen(config.api.port, config.api.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`Port ${config.api.port} (API) is already in use; stop the other process or set API_PORT.`);
    else console.error(`The API could not listen on ${config.api.host}:${config.api.port}: ${(err as Error).message}`);
    await app.close();
    process.exit(1);
  }
}

bootstrap().catch((err: Error) => {
  console.error(`Kawal API failed to start: ${err.message}`);
  process.exit(1);
});
