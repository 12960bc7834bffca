// One-click unsubscribe tokens (RFC 8058): the link in an email stops one kind of email for one
// person without signing in. The token is the person and the kind, signed with the service's
// secret (HMAC-SHA256), so it cannot be made up, and changing the person or the kind in it breaks
// the signature: a token only ever turns off what it was issued for.
import { readToken, signToken } from '../auth/signed-tokens.ts';

/** What a token can stop: one kind of notification, or a whole digest ("digest:daily"). */
export type UnsubscribeTarget = { personId: number; kind: string };

const PURPOSE = 'unsubscribe';

export function unsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  return signToken(secret, PURPOSE, `${target.personId}:${target.kind}`);
}

/** The person and kind a token was issued for, or null when it is malformed or forged. */
export function readUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  const payload = readToken(secret, PURPOSE, token);
  const match = payload === null ? null : /^(\d{1,12}):([a-z0-9_.:-]{1,80})$/.exec(payload);
  if (!match) return null;
  return { personId: Number(match[1]), kind: match[2]! };
}

export function unsubscribeUrl(baseUrl: string, secret: string, target: UnsubscribeTarget): string {
  return new URL(`/unsubscribe/${unsubscribeToken(secret, target)}`, baseUrl).toString();
}
