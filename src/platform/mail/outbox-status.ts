// What the admin mail page shows: how many messages are in each state, and the latest of one.
import type { Db } from '../db/database.ts';
import type { OutboxStatus } from '../db/schema.ts';

export async function outboxCounts(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function listOutbox(db: Db, status: OutboxStatus, limit = 100) {
  return db
    .selectFrom('outbox')
    .select(['id', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'next_attempt_at', 'sent_at'])
    .where('status', '=', status)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
