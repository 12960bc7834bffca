import nodemailer from 'nodemailer';

export type SendableMail = { from: string; to: string; subject: string; text: string; html?: string; messageId: string };
export type MailTransport = { send(mail: SendableMail): Promise<void>; close(): void };

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}
