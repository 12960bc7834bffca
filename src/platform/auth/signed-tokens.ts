// Tokens that carry a short payload signed with the service's secret (HMAC-SHA256): the links
// and addresses in emails that work without signing in (one-click unsubscribe, answering a
// meeting invitation, replying to a discussion by email). Each use has its own purpose, mixed
// into the signature, so a token made for one can never be used for another; changing any part of
// the payload breaks the signature. The payload is readable (base64url), so it holds ids, never secrets.
import { createHmac, timingSafeEqual } from 'node:crypto';

function signature(secret: string, purpose: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest();
}

/** `payload.signature`, both base64url: safe in a URL path. */
export function signToken(secret: string, purpose: string, payload: string): string {
  return `${Buffer.from(payload).toString('base64url')}.${signature(secret, purpose, payload).toString('base64url')}`;
}

/** The payload a token was signed with for this purpose, or null when it is malformed or forged. */
export function readToken(secret: string, purpose: string, token: string): string | null {
  const [encoded, sig, ...rest] = token.split('.');
  if (!encoded || !sig || rest.length) return null;
  const payload = Buffer.from(encoded, 'base64url').toString();
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(secret, purpose, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return payload;
}

/**
 * A short lower-case hex signature of a payload for this purpose (the first `hexChars` of the
 * HMAC), for tokens that must survive being lower-cased, such as an email address's local part
 * (discussion reply addresses). The payload travels beside it, in the caller's own form.
 */
export function hexSignature(secret: string, purpose: string, payload: string, hexChars: number): string {
  return signature(secret, purpose, payload).toString('hex').slice(0, hexChars);
}

/** Whether a given hex signature is the payload's for this purpose (compared in constant time). */
export function hexSignatureMatches(secret: string, purpose: string, payload: string, given: string): boolean {
  const expected = Buffer.from(hexSignature(secret, purpose, payload, given.length));
  const actual = Buffer.from(given.toLowerCase());
  return given.length > 0 && actual.length === expected.length && timingSafeEqual(actual, expected);
}
