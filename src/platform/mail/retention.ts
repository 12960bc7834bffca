// Sent mail keeps its record (who, what, when, its Message-ID) but not its words for long: bodies
// hold sign-in and confirmation links, which must not sit in the database for ever.
import type { Db } from '../db/database.ts';
import type { Clock } from '../time.ts';

export const DEFAULT_OUTBOX_BODY_RETENTION_DAYS = 7;

/**
 * Empties the bodies of messages sent more than `retentionDays` ago (text '' and no HTML) and
 * records when. Messages not yet sent, or failed (an admin may retry them), keep their bodies.
 * Returns how many were dropped. Run hourly from the serve command's housekeeping.
 */
export async function dropSentMailBodies(db: Db, clock: Clock, retentionDays = DEFAULT_OUTBOX_BODY_RETENTION_DAYS): Promise<number> {
  const now = clock();
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60_000).toISOString();
  const result = await db
    .updateTable('outbox')
    .set({ text_body: '', html_body: null, calendar_event: null, body_dropped_at: now.toISOString() })
    .where('status', '=', 'sent')
    .where('sent_at', '<=', cutoff)
    .where('body_dropped_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
