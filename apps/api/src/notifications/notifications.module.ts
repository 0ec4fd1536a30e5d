import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({ imports: [PeopleModule], controllers: [NotificationsController], providers: [NotificationsService] })
export class NotificationsModule {}
