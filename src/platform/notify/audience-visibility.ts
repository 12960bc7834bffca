// The digest's "may this person still see it" for items that have an audience (meetings, surveys,
// discussion spaces, consultations): asked of the one access rule, in one query per item kind.
// A feature whose items have an audience declares it once: declareItemVisibility('meeting', byAudience('meeting')).
import { visibleTo } from '../audience/access.ts';
import type { ItemVisibility } from './digest.ts';

export function byAudience(itemKind: string): ItemVisibility {
  return async (db, personId, itemIds) => {
    if (!itemIds.length) return new Set();
    const viewer = await db.selectFrom('people').select(['id', 'role']).where('id', '=', personId).where('status', '=', 'active').executeTakeFirst();
    if (!viewer) return new Set();
    const rows = await db
      .selectFrom('audience_targets as items')
      .select('items.item_id')
      .distinct()
      .where('items.item_kind', '=', itemKind)
      .where('items.item_id', 'in', itemIds)
      .where(visibleTo(viewer, itemKind, 'items.item_id'))
      .execute();
    return new Set(rows.map((r) => r.item_id));
  };
}
