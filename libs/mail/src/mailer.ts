import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { SmtpSettings } from '@kawal/config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID, so a receiver can recognise a re-delivery of the same notification. */
  messageId: string;
  headers?: Record<string, string>;
}

/** Thrown when the server refuses the recipient for good (5xx on RCPT): retrying cannot help. */
export class PermanentMailError extends Error {
  constructor(message: string, readonly responseCode?: number) {
    super(message);
    this.name = 'PermanentMailError';
  }
}

/** nodemailer's waits: connecting, the server's greeting, and any silence on the socket afterwards. */
const TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };
/** The longest one send can take before it fails (every wait at its limit). */
export const MAX_SEND_MS = TIMEOUTS.connectionTimeout + TIMEOUTS.greetingTimeout + TIMEOUTS.socketTimeout;

/** The one place that talks to nodemailer (an email repository, as immich has). */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    // Bounded waits (nodemailer's own default lets a server take 10 minutes to answer): a send always ends well within
    // the outbox's claim on the email (DEFAULT_SEND_LEASE_MS), so a retry never overlaps a send still in progress.
    const timeouts = TIMEOUTS;
    const options = settings.url
      ? { url: settings.url, ...timeouts }
      : {
          host: settings.host ?? '127.0.0.1',
          port: settings.port ?? 25,
          secure: settings.secure ?? false,
          auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
          ...timeouts,
        };
    this.transport = nodemailer.createTransport(options as never, { from: settings.from });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    try {
      const info = await this.transport.sendMail({ ...mail, from: this.settings.from });
      return { messageId: info.messageId, response: info.response };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message: string };
      if (e.code === 'EENVELOPE' && e.responseCode !== undefined && e.responseCode >= 500) {
        throw new PermanentMailError(e.message, e.responseCode);
      }
      throw err;
    }
  }

  /** True when the SMTP server answers and accepts our greeting/auth. */
  async verify(): Promise<boolean> {
    await this.transport.verify();
    return true;
  }

  close(): void {
    this.transport.close();
  }
}
