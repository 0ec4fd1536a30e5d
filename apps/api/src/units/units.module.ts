import { Module } from '@nestjs/common';
import { UnitsImportService } from './units-import.service';
import { UnitsController } from './units.controller';
import { UnitsRepository } from './units.repository';
import { UnitsService } from './units.service';

@Module({ controllers: [UnitsController], providers: [UnitsService, UnitsImportService, UnitsRepository], exports: [UnitsRepository, UnitsImportService] })
export class UnitsModule {}
