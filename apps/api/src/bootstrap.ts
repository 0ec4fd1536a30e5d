import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import * as express from 'express';
import { KawalConfig, nestLogLevels } from '@kawal/config';
import { AppModule } from './app.module';
import { completeOpenApi } from './common/openapi';
import { ProblemDto } from './common/problem.dto';
import { ProblemFilter } from './common/problem.filter';
import { requestIdMiddleware } from './common/request-id.middleware';
import { createValidationPipe } from './common/validation';
import { SESSION_COOKIE } from './auth/tokens';

/** Builds the HTTP application exactly as production runs it (main.ts and the end-to-end tests share this). */
export async function createApiApp(config: KawalConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: nestLogLevels(config.logLevel),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(express.json({ limit: '5mb' }));
  app.use(express.text({ type: ['application/yaml', 'application/x-yaml', 'text/yaml'], limit: '1mb' }));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kawal API')
      .setDescription(
        'Programmes that follow up public-service commitments across many units: templates, units, people, programmes, cases, tasks and evidence. ' +
          'Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`; messages are in Bahasa Indonesia unless Accept-Language asks for English.',
      )
      .setVersion('0.1.0')
      .addServer(config.api.publicBaseUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A session token from POST /auth/sign-in or a sign-in link, or an API token from POST /auth/tokens' }, 'bearer')
      .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by the sign-in link page (browsers)' }, 'session-cookie')
      .build(),
    { extraModels: [ProblemDto] },
  );
  completeOpenApi(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', customSiteTitle: 'Kawal API' });
  return app;
}
