import nodemailer from 'nodemailer';

/** icalEvent: a calendar invitation, sent as nodemailer's text/calendar alternative (see CalendarEvent in outbox.ts). */
export type SendableMail = { from: string; to: string; subject: string; text: string; html?: string; headers?: Record<string, string>; messageId: string; icalEvent?: { method: string; filename: string; content: string } };
export type MailTransport = { send(mail: SendableMail): Promise<void>; close(): void };

/**
 * How long to wait on the SMTP server, in milliseconds. nodemailer's defaults (2 minutes to
 * connect, 30 seconds for the greeting, 10 minutes of silence) let one silent server hold every
 * message for half a minute; these fail it fast so the worker can try again soon.
 */
export const SMTP_TIMEOUTS = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 60_000 };

export function smtpTransport(smtpUrl: string, timeouts: Partial<typeof SMTP_TIMEOUTS> = {}): MailTransport {
  const t = { ...SMTP_TIMEOUTS, ...timeouts };
  // One connection per message (not a pool), so the worker's concurrent sends each get their own
  // and nothing is left open between passes.
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: t.connectionMs, greetingTimeout: t.greetingMs, socketTimeout: t.socketMs });
  return {
    async send(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}
