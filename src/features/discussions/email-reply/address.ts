// The reply address on every notification email about a post: the programme mailbox with a
// sub-address that names the person and the thread, signed so it cannot be made up:
// programme+r.<person>.<thread>.<signature>@example.org. Everything in it is lower case (base 36
// and hex), because some mail systems lower-case the local part on the way.
import { hexSignature, hexSignatureMatches } from '../../../platform/auth/signed-tokens.ts';

export type ReplyTarget = { personId: number; threadId: number };

const SIGNATURE_LENGTH = 20; // 80 bits of HMAC-SHA256: enough that guessing one is hopeless

const PURPOSE = 'discussion-reply';
const signature = (secret: string, personId: number, threadId: number) => hexSignature(secret, PURPOSE, `${personId}:${threadId}`, SIGNATURE_LENGTH);

function split(mailbox: string): { local: string; domain: string } {
  const at = mailbox.lastIndexOf('@');
  // A mailbox that already has a sub-address (programme+team@…): the reply's goes on its base.
  return { local: mailbox.slice(0, at).split('+')[0]!.toLowerCase(), domain: mailbox.slice(at + 1).toLowerCase() };
}

export function replyAddress(mailbox: string, secret: string, target: ReplyTarget): string {
  const { local, domain } = split(mailbox);
  return `${local}+r.${target.personId.toString(36)}.${target.threadId.toString(36)}.${signature(secret, target.personId, target.threadId)}@${domain}`;
}

const TOKEN = /^r\.([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([0-9a-f]+)$/;

/**
 * What an address says: null when it is not a reply address of this mailbox (the message goes on
 * to the registration import), 'forged' when it looks like one but its signature is wrong, else
 * the person and thread it names.
 */
export function readReplyAddress(address: string, mailbox: string, secret: string): ReplyTarget | 'forged' | null {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1) return null;
  const { local, domain } = split(mailbox);
  const [base, ...rest] = a.slice(0, at).split('+');
  const sub = rest.join('+');
  if (a.slice(at + 1) !== domain || base !== local || !sub.startsWith('r.')) return null;
  const m = TOKEN.exec(sub);
  if (!m) return 'forged';
  const personId = parseInt(m[1]!, 36);
  const threadId = parseInt(m[2]!, 36);
  if (!Number.isSafeInteger(personId) || !Number.isSafeInteger(threadId)) return 'forged';
  const given = m[3]!;
  return given.length === SIGNATURE_LENGTH && hexSignatureMatches(secret, PURPOSE, `${personId}:${threadId}`, given) ? { personId, threadId } : 'forged';
}

/** The addresses a message was sent to, read from its headers (To, Cc and what the mail server adds). */
export function recipientsIn(headers: readonly [string, string][]): string[] {
  const names = new Set(['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to']);
  return headers.filter(([n]) => names.has(n)).flatMap(([, v]) => v.match(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g) ?? []);
}

/** The first reply address among the recipients (a forged one counts: it is refused, not registered). */
export function replyTargetOf(recipients: readonly string[], mailbox: string, secret: string): ReplyTarget | 'forged' | null {
  let found: ReplyTarget | 'forged' | null = null;
  for (const r of recipients) {
    const read = readReplyAddress(r, mailbox, secret);
    if (read && read !== 'forged') return read;
    found ??= read;
  }
  return found;
}
