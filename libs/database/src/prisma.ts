import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient };
export * as db from './generated/prisma/client';

/**
 * A Prisma Client on the pg driver adapter (Prisma 7 needs no native query engine this way).
 * `poolSize` bounds the connections this process opens.
 */
export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, poolSize) });
}

/** The pg driver adapter with this project's pool settings. */
export function pgAdapter(databaseUrl: string, poolSize: number): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
}
