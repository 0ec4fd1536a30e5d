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
 * Outages: `failFirst: n` rejects the first n mail transactions, `failureRate: p` rejects each transaction with
 * probability p, and `setDown(true)` rejects every transaction until `setDown(false)`; all answer MAIL FROM with a
 * temporary `451 4.3.0` error (the client should retry later).
 *
 * Delivery is counted the way a real MTA commits to it: a message is in `messages` only once the `250` reply to its
 * DATA was written to a connection that was still open. `holdReplyMs` (or `setHoldReply(ms)`) holds that reply after
 * the whole message arrived, so a test can kill the sender while a message is in flight; a message whose client went
 * away before the reply is NOT delivered (the client cannot know it was, and will send it again): it goes to
 * `dropped`. `onReceived` fires when a message arrived and its reply is pending; `onBeforeAccept` fires synchronously
 * just before the `250` is written (e.g. to freeze the sender with SIGSTOP at that exact point).
 * `countsByMessageId()` tells how often each Message-ID was delivered (2 = a duplicate).
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
  /** How many mail transactions were refused with 451 (failFirst, failureRate or setDown). */
  readonly rejected: number;
  /** Messages that arrived in full but whose client had gone before the 250 reply could be written: not delivered. */
  dropped: ParsedMail[];
  /** Messages that arrived in full and whose reply is still pending (held). */
  readonly inFlight: number;
  /** How many times each Message-ID (as in the header, with its angle brackets) was delivered; messages without one are not counted. */
  countsByMessageId(): Map<string, number>;
  /** Holds the reply to every following DATA this long after the message arrived (0 = reply at once). */
  setHoldReply(ms: number): void;
  /** Calls `listener` whenever a message has arrived in full and its reply is pending. Returns an unsubscribe function. */
  onReceived(listener: (event: SmtpEvent) => void): () => void;
  /**
   * Calls `listener` synchronously just before a `250` is written for a message (to a connection still open): the
   * message is delivered as soon as the listener returns. Returns an unsubscribe function.
   */
  onBeforeAccept(listener: (event: SmtpEvent) => void): () => void;
  /** Resolves with the messages once at least `count` were accepted; rejects after timeoutMs (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** While down, every MAIL FROM is answered `451 4.3.0` (temporary failure). */
  setDown(down: boolean): void;
  /** Drops the messages received so far (and their envelopes, and the dropped ones). */
  clear(): void;
  close(): Promise<void>;
}

export interface SmtpEvent {
  mail: ParsedMail;
  envelope: SmtpEnvelope;
  /** smtp-server's id of the connection (one per SMTP session). */
  connectionId: string;
}

export interface SmtpReceiverOptions {
  /** Refuse the first n mail transactions with 451. */
  failFirst?: number;
  /** Refuse each mail transaction with 451 with this probability (0..1, default 0). */
  failureRate?: number;
  host?: string;
  port?: number;
  /** Hold the reply to DATA this long after the message arrived (default 0). */
  holdReplyMs?: number;
}

/** smtp-server's connection objects (not in its typings): the reply is written only to an open socket. */
interface ServerConnection {
  id: string;
  _socket?: { destroyed: boolean; readyState: string };
}

function temporaryError(message: string): Error {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = 451;
  return err;
}

function addressOf(a: SMTPServerAddress | false | undefined): string | undefined {
  return a ? a.address : undefined;
}

export async function startSmtpReceiver(opts: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const host = opts.host ?? '127.0.0.1';
  let failuresLeft = opts.failFirst ?? 0;
  let down = false;
  let rejected = 0;
  let holdReplyMs = opts.holdReplyMs ?? 0;
  let failureRate = opts.failureRate ?? 0;
  let inFlight = 0;
  const messages: ParsedMail[] = [];
  const envelopes: SmtpEnvelope[] = [];
  const dropped: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const receivedListeners = new Set<(event: SmtpEvent) => void>();
  const acceptListeners = new Set<(event: SmtpEvent) => void>();
  const holds = new Set<NodeJS.Timeout>();
  /** Whether smtp-server would write a reply on this connection now (its own test in SMTPConnection.send). */
  const connectionOpen = (connectionId: string): boolean => {
    const connections = (server as unknown as { connections: Set<ServerConnection> }).connections;
    for (const c of connections) {
      if (c.id === connectionId) return !!c._socket && !c._socket.destroyed && c._socket.readyState === 'open';
    }
    return false; // smtp-server forgets a connection once it closed
  };

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
      if (failureRate > 0 && Math.random() < failureRate) {
        rejected += 1;
        return callback(temporaryError('4.3.0 Temporary failure (test receiver failureRate)'));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const event: SmtpEvent = {
            mail,
            envelope: { from: addressOf(session.envelope.mailFrom), to: session.envelope.rcptTo.map((r) => r.address) },
            connectionId: session.id,
          };
          inFlight += 1;
          const reply = () => {
            inFlight -= 1;
            if (!connectionOpen(session.id)) {
              // The client is gone: no 250 can reach it, so it was not delivered (the client will send it again).
              dropped.push(mail);
              callback();
              return;
            }
            acceptListeners.forEach((l) => l(event));
            messages.push(mail);
            envelopes.push(event.envelope);
            callback(); // smtp-server writes the 250 now, synchronously
            notify();
          };
          receivedListeners.forEach((l) => l(event));
          if (holdReplyMs <= 0) return reply();
          const timer = setTimeout(() => {
            holds.delete(timer);
            reply();
          }, holdReplyMs);
          holds.add(timer);
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
    dropped,
    get inFlight() {
      return inFlight;
    },
    countsByMessageId() {
      const counts = new Map<string, number>();
      for (const m of messages) if (m.messageId) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
    setHoldReply(ms) {
      holdReplyMs = ms;
    },
    onReceived(listener) {
      receivedListeners.add(listener);
      return () => receivedListeners.delete(listener);
    },
    onBeforeAccept(listener) {
      acceptListeners.add(listener);
      return () => acceptListeners.delete(listener);
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
      dropped.length = 0;
    },
    close() {
      holds.forEach((t) => clearTimeout(t));
      holds.clear();
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
