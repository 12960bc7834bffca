// The consultation report's SQL: a consultation's comments and answers (not replies) with the
// commenter's name and role group. The role group comes from the same place survey responses copy
// theirs from: the person's newest registration in the programme (registrations.role_group).
import type { Scoped } from '../../../platform/db/database.ts';
import type { ConsultationsTables } from '../tables.ts';

/** The report's handle: the feature's tables, and people and registrations to read names and role groups. */
export type ReportDb = Scoped<ConsultationsTables, 'people' | 'registrations'>;

export function reportRows(db: ReportDb, programmeId: number, consultationId: number) {
  return db
    .selectFrom('consultation_comments as cc')
    .leftJoin('people', 'people.id', 'cc.person_id')
    .select(['cc.id', 'cc.person_id', 'cc.section_key', 'cc.question_id', 'cc.body', 'cc.redacted_body', 'cc.publication', 'cc.status', 'cc.response', 'cc.created_at', 'people.name as person_name'])
    .select((eb) =>
      eb
        .selectFrom('registrations as r')
        .select('r.role_group')
        .whereRef('r.person_id', '=', 'cc.person_id')
        .where('r.programme_id', '=', programmeId)
        .orderBy('r.id', 'desc')
        .limit(1)
        .as('role_group'),
    )
    .where('cc.consultation_id', '=', consultationId)
    .where('cc.parent_id', 'is', null)
    .orderBy('cc.id')
    .execute();
}
