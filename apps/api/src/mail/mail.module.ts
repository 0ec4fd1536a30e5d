import { Global, Module, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@kawal/config';
import { Mailer } from '@kawal/mail';

class MailerLifecycle implements OnModuleDestroy {
  constructor(private readonly mailer: Mailer) {}
  onModuleDestroy(): void {
    this.mailer.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: Mailer, useFactory: (config: AppConfig) => new Mailer(config.smtp), inject: [AppConfig] },
    { provide: MailerLifecycle, useFactory: (mailer: Mailer) => new MailerLifecycle(mailer), inject: [Mailer] },
  ],
  exports: [Mailer],
})
export class MailModule {}
