import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';

@Module({ imports: [UnitsModule], controllers: [PeopleController], providers: [PeopleService, PeopleRepository], exports: [PeopleRepository] })
export class PeopleModule {}
