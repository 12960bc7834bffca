// "What is new for you" on the participant's home: the latest things notify() recorded for the
// person, whatever their email choice (a kind turned off by email still shows here), leaving out
// what they may no longer see (the same check as the digests) and rows withheld after they withdrew.
import type { Db, Tx } from '../db/database.ts';
import type { HomeSection } from '../feature.ts';
import { visibleItems } from './digest.ts';
import { notificationKind } from './kinds.ts';

export const HOME_LIMIT = 10;

export type LatestNotification = { title: string; url: string; group: string; kindLabel: string; createdAt: string };

export async function latestNotifications(db: Db | Tx, personId: number, limit = HOME_LIMIT): Promise<LatestNotification[]> {
  // A few more than shown, so that items the person can no longer see do not leave the list short.
  const rows = await db
    .selectFrom('notifications')
    .select(['kind', 'item_kind', 'item_id', 'title', 'url', 'group_label', 'created_at'])
    .where('person_id', '=', personId)
    .where('delivery', '!=', 'withheld')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit * 3)
    .execute();
  const visible = await visibleItems(db, personId, rows);
  return rows
    .filter((r) => visible.get(r.item_kind)?.has(r.item_id))
    .slice(0, limit)
    .map((r) => ({ title: r.title, url: r.url, group: r.group_label, kindLabel: notificationKind(r.kind)?.label ?? '', createdAt: r.created_at }));
}

/** The platform's section of /my: null when nothing has been recorded for the person. */
export async function notificationsHomeSection(db: Db | Tx, personId: number): Promise<HomeSection | null> {
  const items = await latestNotifications(db, personId);
  if (!items.length) return null;
  return { heading: 'What is new for you', template: 'platform/notify/views/home-section.njk', data: { items } };
}
