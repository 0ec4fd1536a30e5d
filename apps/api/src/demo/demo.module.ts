import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CasesModule } from '../cases/cases.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { UnitsModule } from '../units/units.module';
import { DemoSeedService } from './demo-seed.service';

/** The demo `npm start` seeds (KAWAL_DEMO=true); inert otherwise. */
@Module({ imports: [AuthModule, UnitsModule, ProgrammesModule, CasesModule], providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoModule {}
