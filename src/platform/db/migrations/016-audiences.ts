// Audiences and group leads (issue 10, §1): who an item is for, who leads which group, and the two
// read-only views through which the access module (platform/audience) sees the programme's groups
// and their members without naming the tables that hold them.
//
// The views are the contract between the platform and the features that own the groups:
// - audience_groups(group_kind, group_id, programme_id, project_id, name): every group an item
//   can be for: the programme, each project, each sub-group (with its project);
// - audience_members(group_kind, group_id, person_id): who belongs to each: the programme is every
//   accepted participant (an accepted registration and an active participant's account: a
//   withdrawn or declined person is not in it), a project or sub-group its members (a withdrawal
//   already takes people out of those).
// A later migration that changes what they read (a column of registrations, project_members,
// subgroup_members, subgroups, projects or programmes) drops and recreates them with the same
// columns; on SQLite a table rebuilt by rename must drop them first (SQLite checks every view
// when a table is renamed).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);

  // One row per (item, target). target_id is the programme, project, sub-group or person; 0 for
  // 'signed-in' and 'public', which name no record (so the primary key needs no null).
  await db.schema
    .createTable('audience_targets')
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('programme', 'project', 'subgroup', 'person', 'signed-in', 'public')`))
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('audience_targets_pk', ['item_kind', 'item_id', 'target_kind', 'target_id'])
    .execute();
  // "Which items are for this group" (a lead's lists, a group's page); the key serves "who is this item for".
  await db.schema.createIndex('audience_targets_target_idx').on('audience_targets').columns(['target_kind', 'target_id', 'item_kind', 'item_id']).execute();

  await db.schema
    .createTable('group_leads')
    .addColumn('group_kind', 'text', (c) => c.notNull().check(sql`group_kind in ('project', 'subgroup')`))
    .addColumn('group_id', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_leads_pk', ['group_kind', 'group_id', 'person_id'])
    .execute();
  // "What does this person lead", asked on every lead check.
  await db.schema.createIndex('group_leads_person_idx').on('group_leads').columns(['person_id', 'group_kind', 'group_id']).execute();

  await sql`
    create view audience_groups (group_kind, group_id, programme_id, project_id, name) as
      select 'programme', id, id, cast(null as integer), name from programmes
      union all
      select 'project', id, programme_id, id, name from projects
      union all
      select 'subgroup', s.id, p.programme_id, s.project_id, s.name from subgroups s inner join projects p on p.id = s.project_id
  `.execute(db);

  await sql`
    create view audience_members (group_kind, group_id, person_id) as
      select 'programme', r.programme_id, r.person_id
        from registrations r inner join people pe on pe.id = r.person_id
        where r.status = 'accepted' and pe.role = 'participant' and pe.status = 'active'
      union all
      select 'project', project_id, person_id from project_members
      union all
      select 'subgroup', subgroup_id, person_id from subgroup_members
  `.execute(db);
  // The views' lookups by person use indexes that exist already: registrations_person_idx,
  // project_members_person_idx and subgroup_members_person_idx (002).
}
