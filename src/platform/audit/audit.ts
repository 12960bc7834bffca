// Every admin action is recorded: who, what, which record, when. Written in the action's transaction.
import type { Db, Tx } from '../db/database.ts';
import type { Clock } from '../time.ts';

export type AuditEntry = {
  actorId: number | null;
  action: string;
  recordType: string;
  recordId?: string | number | null;
  summary: string;
};

export async function recordAudit(tx: Tx | Db, entry: AuditEntry, clock: Clock): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      record_type: entry.recordType,
      record_id: entry.recordId == null ? null : String(entry.recordId),
      summary: entry.summary,
      created_at: clock().toISOString(),
    })
    .execute();
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAudit(db: Db, page: number) {
  const offset = (page - 1) * AUDIT_PAGE_SIZE;
  const [rows, total] = await Promise.all([
    db
      .selectFrom('audit_events')
      .leftJoin('people', 'people.id', 'audit_events.actor_id')
      .select([
        'audit_events.id',
        'audit_events.action',
        'audit_events.record_type',
        'audit_events.record_id',
        'audit_events.summary',
        'audit_events.created_at',
        'people.name as actor_name',
      ])
      .orderBy('audit_events.id', 'desc')
      .limit(AUDIT_PAGE_SIZE)
      .offset(offset)
      .execute(),
    db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n), page, pages: Math.max(1, Math.ceil(Number(total.n) / AUDIT_PAGE_SIZE)) };
}
