/**
 * A real SMTP receiver for tests: smtp-server on 127.0.0.1:<free port> (plain TCP, no TLS, no AUTH), every accepted
 * message parsed with mailparser's simpleParser.
 *
 *   const smtp = await startSmtpReceiver();
 *   // point the mailer at { host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true }
 *   const [mail] = await smtp.waitFor(1);
 *   expect(mail.subject).toBe('...');
 *   await smtp.close();
 *
 * Outages: `failFirst: n` rejects the first n mail transactions, and `setDown(true)` rejects every transaction until
 * `setDown(false)`; both answer MAIL FROM with a temporary `451 4.3.0` error (the client should retry later).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { freePort } from './ports';

export interface SmtpEnvelope {
  from: string | undefined;
  to: string[];
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** Accepted messages, parsed, in arrival order. */
  messages: ParsedMail[];
  /** SMTP envelopes of `messages` (same index): what the client said in MAIL FROM / RCPT TO (includes Bcc). */
  envelopes: SmtpEnvelope[];
  /** How many mail transactions were refused with 451 (failFirst or setDown). */
  readonly rejected: number;
  /** Resolves with the messages once at least `count` were accepted; rejects after timeoutMs (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** While down, every MAIL FROM is answered `451 4.3.0` (temporary failure). */
  setDown(down: boolean): void;
  /** Drops the messages received so far (and their envelopes). */
  clear(): void;
  close(): Promise<void>;
}

function temporaryError(message: string): Error {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = 451;
  return err;
}

function addressOf(a: SMTPServerAddress | false | undefined): string | undefined {
  return a ? a.address : undefined;
}

export async function startSmtpReceiver(opts: { failFirst?: number; host?: string; port?: number } = {}): Promise<SmtpReceiver> {
  const host = opts.host ?? '127.0.0.1';
  let failuresLeft = opts.failFirst ?? 0;
  let down = false;
  let rejected = 0;
  const messages: ParsedMail[] = [];
  const envelopes: SmtpEnvelope[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'kawal test receiver',
    closeTimeout: 1000,
    onMailFrom(_address, _session, callback) {
      if (down) {
        rejected += 1;
        return callback(temporaryError('4.3.0 Test receiver is down, try again later'));
      }
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        rejected += 1;
        return callback(temporaryError('4.3.0 Temporary failure (test receiver failFirst)'));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          envelopes.push({
            from: addressOf(session.envelope.mailFrom),
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          callback();
          notify();
        })
        .catch((err: Error) => callback(err));
    },
  });

  let port = opts.port ?? (await freePort(host));
  for (let attempt = 0; ; attempt += 1) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.server.once('error', onError);
        server.listen(port, host, () => {
          server.server.removeListener('error', onError);
          resolve();
        });
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port || attempt >= 3) throw err;
      port = await freePort(host);
    }
  }
  port = (server.server.address() as AddressInfo).port;
  server.on('error', () => undefined); // client-side protocol errors must not crash the test process

  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    messages,
    envelopes,
    get rejected() {
      return rejected;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          cleanup();
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `SMTP receiver: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}` +
                (rejected ? ` (${rejected} transaction(s) rejected with 451)` : ''),
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    setDown(value) {
      down = value;
    },
    clear() {
      messages.length = 0;
      envelopes.length = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
