import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { TemplatesModule } from '../templates/templates.module';
import { UnitsModule } from '../units/units.module';
import { ProgrammesController } from './programmes.controller';
import { ProgrammesRepository } from './programmes.repository';
import { ProgrammesService } from './programmes.service';

@Module({ imports: [TemplatesModule, PeopleModule, UnitsModule], controllers: [ProgrammesController], providers: [ProgrammesService, ProgrammesRepository], exports: [ProgrammesService] })
export class ProgrammesModule {}
