import { Global, Module } from '@nestjs/common';
import { ScoresController } from './scores.controller';
import { ScoresService } from './scores.service';

/** Scores, zones and categories; the service is shared with cases (a case's score) and programmes. */
@Global()
@Module({ controllers: [ScoresController], providers: [ScoresService], exports: [ScoresService] })
export class ScoresModule {}
