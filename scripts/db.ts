/**
 * Database migrations without the Prisma CLI (which cannot download its engine here):
 *
 *   node dist/scripts/db.js deploy          apply pending migrations        (npm run db:migrate)
 *   node dist/scripts/db.js create <name>   write the next migration        (npm run db:migrate:create -- <name>)
 *   node dist/scripts/db.js status          applied / pending migrations    (npm run db:status)
 *   node dist/scripts/db.js diff            SQL from the database to prisma/schema.prisma (exit 2 on drift)
 *
 * DATABASE_URL comes from the environment.
 */
import { applyMigrations, createMigration, diffSchemaAgainstDatabase, migrationStatus, parsePgUrl } from '../libs/database/src/migrations';

const USAGE = 'usage: db.js deploy | create <snake_case_name> | status | diff';

function fail(message: string, code = 1): never {
  process.stderr.write(`db: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !['deploy', 'create', 'status', 'diff'].includes(command)) fail(USAGE, 64);

  const url = process.env.DATABASE_URL;
  if (!url) fail('DATABASE_URL is not set (e.g. postgresql://user:password@127.0.0.1:5432/kawal)');
  try {
    parsePgUrl(url);
  } catch (e) {
    fail((e as Error).message);
  }
  const logger = (line: string) => {
    if (!line.startsWith('[schema-engine]') || process.env.DB_DEBUG) process.stdout.write(`${line}\n`);
  };

  switch (command) {
    case 'deploy': {
      const { applied } = await applyMigrations(url, { logger });
      process.stdout.write(applied.length ? `Applied ${applied.length} migration(s).\n` : 'Database is up to date.\n');
      return 0;
    }
    case 'create': {
      if (rest.length !== 1) fail('usage: db.js create <snake_case_name>', 64);
      const { directory } = await createMigration(url, rest[0] as string, { logger });
      process.stdout.write(directory ? `New migration: ${directory}\n` : 'Schema unchanged: no migration created.\n');
      return 0;
    }
    case 'status': {
      const s = await migrationStatus(url, { logger });
      for (const m of s.local) process.stdout.write(`${s.pending.includes(m) ? 'pending' : 'applied'}  ${m}\n`);
      for (const m of s.missingLocally) process.stdout.write(`missing  ${m} (in the database, not on disk)\n`);
      for (const m of s.failed) process.stdout.write(`failed   ${m}\n`);
      for (const m of s.edited) process.stdout.write(`edited   ${m} (changed after it was applied)\n`);
      process.stdout.write(s.upToDate ? 'Database is up to date.\n' : 'Database is NOT up to date.\n');
      return s.upToDate ? 0 : 1;
    }
    default: {
      const sql = await diffSchemaAgainstDatabase(url, { logger });
      process.stdout.write(sql ? sql : '-- No difference between the database and prisma/schema.prisma.\n');
      return sql ? 2 : 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => fail(e instanceof Error ? e.message : String(e)),
);
