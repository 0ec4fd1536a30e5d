/**
 * Polls `check` until it returns something truthy (returned) or `timeoutMs` passes (throws naming `what`). The one
 * polling loop the tests share; the wait is on a real clock, for things other processes (worker, SMTP) do.
 */
export async function waitUntil<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what = 'the condition',
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
