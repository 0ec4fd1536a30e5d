/**
 * `npm run bench -- <bench> [options]`: performance figures, printed, never asserted.
 *
 * Each bench prints its result to stdout, one line (or one line per measured thing when it returns several); progress
 * and diagnostics go to stderr. Exit code 0 when the bench ran to its end, 1 when it failed (with a message), 2 on a
 * usage error.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Resolves to the result: one line, or several (printed in order). */
type Bench = (argv: string[]) => Promise<string | string[]>;

/** Loaded lazily, so one bench's imports never slow down or break another. */
const BENCHES: Record<string, { usage: string; load: () => Promise<Bench> }> = {
  launch: { usage: 'launch --units N [--batch-size N] [--max-cached-workflows N] [--max-workflow-tasks N] [--max-activities N]', load: async () => (await import('./launch')).launchBench },
  api: { usage: 'api [--cases N] [--seconds S] [--connections C]', load: async () => (await import('./api')).apiBench },
  mail: { usage: 'mail [--recipients N] [--concurrency C] [--failure-rate P] [--outage-seconds S]', load: async () => (await import('./mail')).mailBench },
};

export function usage(): string {
  return ['usage: npm run bench -- <bench> [options]', ...Object.values(BENCHES).map((b) => `  npm run bench -- ${b.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const bench = name === undefined ? undefined : BENCHES[name];
  if (!bench) {
    process.stderr.write(`${name === undefined ? 'no bench given' : `unknown bench "${name}"`} (known: ${Object.keys(BENCHES).join(', ')})\n${usage()}\n`);
    return 2;
  }
  try {
    const result = await (await bench.load())(rest);
    for (const line of typeof result === 'string' ? [result] : result) process.stdout.write(`${line}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nusage: npm run bench -- ${bench.usage}\n`);
      return 2;
    }
    process.stderr.write(`bench ${name} failed: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
