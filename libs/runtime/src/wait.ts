import * as http from 'node:http';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until it resolves truthy or `timeoutMs` passes. `abort` is checked before every
 * attempt: return a reason (e.g. "the process exited") to stop waiting early. Rejects with `what` and the last error.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = opts.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what}: not ready after ${Math.round(opts.timeoutMs / 1000)}s${detail}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** One HTTP GET; resolves the status code (any status), rejects on connection errors or timeout. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** Waits until GET url answers with a 2xx status. */
export function waitForHttp(
  url: string,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<number> {
  let last: number | undefined;
  return waitFor(
    `GET ${url}`,
    async () => {
      last = await httpStatus(url);
      if (last >= 200 && last < 300) return last;
      throw new Error(`HTTP ${last}`);
    },
    opts,
  );
}
