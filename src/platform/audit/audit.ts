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

/** What the audit log can be narrowed to: one action, one person, and London days (inclusive, as UTC instants). */
export type AuditFilter = { action?: string; actorId?: number; fromUtc?: string; beforeUtc?: string };

export async function listAudit(db: Db, page: number, filter: AuditFilter = {}) {
  const offset = (page - 1) * AUDIT_PAGE_SIZE;
  let base = db.selectFrom('audit_events');
  if (filter.action) base = base.where('audit_events.action', '=', filter.action);
  if (filter.actorId) base = base.where('audit_events.actor_id', '=', filter.actorId);
  if (filter.fromUtc) base = base.where('audit_events.created_at', '>=', filter.fromUtc);
  if (filter.beforeUtc) base = base.where('audit_events.created_at', '<', filter.beforeUtc);
  const [rows, total] = await Promise.all([
    base
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
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n), page, pages: Math.max(1, Math.ceil(Number(total.n) / AUDIT_PAGE_SIZE)) };
}

/** The people who have made audit entries, by name: the "who" filter's choices. */
export async function auditActors(db: Db) {
  return db
    .selectFrom('people')
    .select(['people.id', 'people.name'])
    .where('people.id', 'in', (eb) => eb.selectFrom('audit_events').select('actor_id').where('actor_id', 'is not', null).$narrowType<{ actor_id: number }>())
    .orderBy('people.name')
    .execute();
}
