// The lists part's SQL: it reads the programme's groups and their members (the audience views),
// who each meeting is for (audience_targets) and the meetings themselves; it writes nothing.
import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
import type { Database } from '../../../platform/db/schema.ts';
import type { LedGroupKind } from '../../../platform/audience/tables.ts';

export type ListsDb = Scoped<never, 'audience_groups' | 'audience_members' | 'audience_targets' | 'meetings'>;

export const groupOf = (db: ListsDb, kind: LedGroupKind, id: number) =>
  db.selectFrom('audience_groups').select(['group_id as id', 'name', 'programme_id', 'project_id']).where('group_kind', '=', kind).where('group_id', '=', id).executeTakeFirst();

export async function isMember(db: ListsDb, kind: LedGroupKind, id: number, personId: number): Promise<boolean> {
  const r = await db.selectFrom('audience_members').select('person_id').where('group_kind', '=', kind).where('group_id', '=', id).where('person_id', '=', personId).executeTakeFirst();
  return r !== undefined;
}

/** A condition on a query of meetings: the meeting's audience names this group. */
export function isForGroup(kind: LedGroupKind, id: number): Expression<SqlBool> {
  const e = expressionBuilder<Pick<Database, 'audience_targets' | 'meetings'>, 'meetings'>();
  return e.exists(
    e
      .selectFrom('audience_targets as grp_t')
      .select('grp_t.item_id')
      .where('grp_t.item_kind', '=', 'meeting')
      .whereRef('grp_t.item_id', '=', 'meetings.id')
      .where('grp_t.target_kind', '=', kind)
      .where('grp_t.target_id', '=', id),
  );
}

/** Every meeting of the programme starting in [from, to), drafts and cancelled ones too, in order. */
export const meetingsStarting = (db: ListsDb, programmeId: number, from: string, to: string, limit: number) =>
  db
    .selectFrom('meetings')
    .select(['id', 'title', 'starts_at', 'ends_at', 'status'])
    .where('programme_id', '=', programmeId)
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .orderBy('id')
    .limit(limit)
    .execute();
