// The Yes / No / Maybe links in an invitation: each names the person, the meeting and the answer,
// signed with the service's secret (HMAC-SHA256, like the unsubscribe links), so it works without
// signing in, cannot be made up, and changing any of the three breaks the signature. The link
// opens a page with one button: only the POST answers, so a mail scanner following links cannot.
import { readToken, signToken } from '../../../platform/auth/signed-tokens.ts';
import type { Response } from '../tables.ts';

export type AnswerTarget = { personId: number; meetingId: number; answer: Response };

const PURPOSE = 'meeting-answer';

export function answerToken(secret: string, t: AnswerTarget): string {
  return signToken(secret, PURPOSE, `${t.personId}:${t.meetingId}:${t.answer}`);
}

/** The person, meeting and answer a token was issued for, or null when malformed or forged. */
export function readAnswerToken(secret: string, token: string): AnswerTarget | null {
  const payload = readToken(secret, PURPOSE, token);
  const m = payload === null ? null : /^(\d{1,10}):(\d{1,10}):(yes|no|maybe)$/.exec(payload);
  if (!m) return null;
  return { personId: Number(m[1]), meetingId: Number(m[2]), answer: m[3] as Response };
}

export const answerUrl = (baseUrl: string, secret: string, t: AnswerTarget) => new URL(`/meetings/${t.meetingId}/answer/${answerToken(secret, t)}`, baseUrl).toString();
