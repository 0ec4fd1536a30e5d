import { Module } from '@nestjs/common';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';

/** The pages behind the signed links of notification emails (AuthService, global, signs the person in). */
@Module({ controllers: [LinksController], providers: [LinksService] })
export class LinksModule {}
