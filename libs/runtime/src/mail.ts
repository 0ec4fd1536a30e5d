import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describeExit, ManagedChild, spawnNodeApp, stopChild } from './child';
import { LogFn } from './log';
import { canConnect } from './ports';
import { httpStatus, waitFor } from './wait';

export interface MailCatcherOptions {
  smtpPort: number;
  webPort: number;
  host?: string;
  log: LogFn;
  /** Where caught mails are kept (survive restarts); maildev's temp folder when omitted. */
  mailDirectory?: string;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface MailCatcherHandle {
  /** smtp://127.0.0.1:1025 */
  smtpUrl: string;
  /** http://127.0.0.1:1080 (web UI; REST API under /email) */
  webUrl: string;
  child: ManagedChild;
  stop(): Promise<void>;
}

function maildevBin(): string {
  return path.join(path.dirname(require.resolve('maildev/package.json')), 'bin', 'maildev');
}

/**
 * Runs maildev (SMTP catcher + web UI) as a silent child process and resolves once both ports answer. maildev is
 * a child rather than in-process because it keeps module-level state and installs its own SIGINT/SIGTERM handlers
 * that call process.exit().
 */
export async function startMailCatcher(opts: MailCatcherOptions): Promise<MailCatcherHandle> {
  const host = opts.host ?? '127.0.0.1';
  const args = ['--smtp', String(opts.smtpPort), '--web', String(opts.webPort), '--ip', host, '--silent'];
  if (opts.mailDirectory) {
    mkdirSync(opts.mailDirectory, { recursive: true });
    args.push('--mail-directory', path.resolve(opts.mailDirectory));
  }
  // maildev reads MAILDEV_* defaults from the environment; our arguments are the whole configuration.
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(process.env)) if (key.startsWith('MAILDEV_')) env[key] = undefined;
  const child = spawnNodeApp(maildevBin(), env, 'mail', { log: opts.log, args, quietWhenStopping: true });
  const smtpUrl = `smtp://${host}:${opts.smtpPort}`;
  const webUrl = `http://${host}:${opts.webPort}`;
  const stop = async () => {
    await stopChild(child, opts.stopTimeoutMs ?? 5_000);
  };
  try {
    await waitFor(
      `mail catcher (SMTP ${host}:${opts.smtpPort}, web ${webUrl})`,
      async () => (await canConnect(opts.smtpPort, host)) && (await httpStatus(`${webUrl}/healthz`)) === 200,
      {
        timeoutMs: opts.readyTimeoutMs ?? 30_000,
        abort: () => (child.exit ? `maildev ${describeExit(child.exit)}` : undefined),
      },
    );
  } catch (err) {
    await stop();
    const tail = child.output.tail(6).join(' | ');
    throw new Error(`${(err as Error).message}${tail ? ` — last output: ${tail}` : ''}`);
  }
  return { smtpUrl, webUrl, child, stop };
}
