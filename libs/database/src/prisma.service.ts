import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, requireSetting } from '@kawal/config';
import { PrismaClient } from './generated/prisma/client';
import { pgAdapter } from './prisma';

/** The one Prisma Client of a Nest process; repositories inject it. Connects lazily, disconnects on shutdown. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    const url = requireSetting(config.database.url, 'DATABASE_URL');
    super({ adapter: pgAdapter(url, config.database.poolSize) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
