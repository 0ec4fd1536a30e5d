import { Module } from '@nestjs/common';
import { ConfigModule, KawalConfig } from '@kawal/config';
import { DatabaseModule } from '@kawal/database';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { LinksModule } from './links/links.module';
import { MailModule } from './mail/mail.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PeopleModule } from './people/people.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { ScoresModule } from './scores/scores.module';
import { StorageModule } from './storage/storage.module';
import { TemplatesModule } from './templates/templates.module';
import { TemporalModule } from './temporal/temporal.module';
import { UnitsModule } from './units/units.module';

@Module({})
export class AppModule {
  static forRoot(config: KawalConfig) {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        TemporalModule,
        MailModule,
        StorageModule,
        AccessModule,
        ScoresModule,
        AuthModule,
        LinksModule,
        AuditModule,
        HealthModule,
        TemplatesModule,
        UnitsModule,
        PeopleModule,
        ProgrammesModule,
        CasesModule,
        InboxModule,
        NotificationsModule,
        // Last, so the built-in templates are published (TemplatesService at bootstrap) before it looks for them.
        DemoModule,
      ],
    };
  }
}
