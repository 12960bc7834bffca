// The service navigation, built from the features' manifests (and the platform's own few links).
// Every link here is also guarded on its route: the menu only says where a person can go.
// - Participants, facilitators, observers and visitors get one short row of task links.
// - Admins get a row of sections (Programme, People, Taking part, Reports, Settings: a section
//   with no items is not shown), and on any page of a section, that section's links as its
//   sub-navigation; so the admin menu stays one short row however many features there are.
import { ADMIN_SECTIONS, type AdminSection, type Feature, type NavItem } from './platform/feature.ts';
import type { SessionUser } from './platform/auth/sessions.ts';

/** The platform's own links: its route groups are registered by app.ts, not as features. */
export const PLATFORM_NAVIGATION: readonly NavItem[] = [
  { href: '/admin/jobs', text: 'Scheduled jobs', roles: ['admin'], section: 'settings', order: 80 },
  { href: '/account', text: 'Account', roles: ['admin', 'facilitator', 'participant', 'observer'], order: 100 },
];

export type MenuLink = { href: string; text: string; active: boolean; current: boolean };
export type Navigation = {
  /** The top row, in the shape govukServiceNavigation takes. */
  items: MenuLink[];
  /** The current admin section's links, when the page belongs to one. */
  sub: { label: string; items: MenuLink[] } | null;
};

type Viewer = Pick<SessionUser, 'role'> | null;

const sees = (user: Viewer, item: NavItem) => {
  if (user && item.notFor?.includes(user.role)) return false;
  if (item.roles === 'everyone') return true;
  if (item.roles === 'signed-out') return !user;
  return Boolean(user && item.roles.includes(user.role));
};

/** How closely a path belongs to an item: the length of the matching link, or -1. */
function match(item: NavItem, path: string): number {
  let best = -1;
  for (const href of [item.href, ...(item.also ?? [])]) {
    if (path === href || (href !== '/' && path.startsWith(`${href}/`))) best = Math.max(best, href.length);
  }
  return best;
}

/** The item a path belongs to: the most specific match. */
function currentOf(items: readonly NavItem[], path: string): NavItem | undefined {
  let found: NavItem | undefined;
  let length = -1;
  for (const item of items) {
    const m = match(item, path);
    if (m > length) [found, length] = [item, m];
  }
  return found;
}

const byOrder = (items: readonly NavItem[]) =>
  items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (a.item.order ?? 50) - (b.item.order ?? 50) || a.i - b.i)
    .map((x) => x.item);

const link = (href: string, text: string, current: boolean): MenuLink => ({ href, text, active: current, current });

/** The menu builder for a list of features: navigationFor(user, path). */
export function buildNavigation(features: readonly Feature[], platform: readonly NavItem[] = PLATFORM_NAVIGATION) {
  const all = byOrder([...features.flatMap((f) => f.navigation ?? []), ...platform]);
  const topRow = all.filter((i) => !i.section);
  const sections = ADMIN_SECTIONS.map((s) => ({ ...s, items: all.filter((i) => i.section === s.id) })).filter((s) => s.items.length);
  const sectionItems = sections.flatMap((s) => s.items);

  return function navigationFor(user: Viewer, path: string): Navigation {
    const row = topRow.filter((i) => sees(user, i));
    if (user?.role !== 'admin') {
      const current = currentOf(row, path);
      return { items: row.map((i) => link(i.href, i.text, i === current)), sub: null };
    }
    // Admins: the sections, then the other links they see (their account).
    const current = currentOf([...sectionItems, ...row], path);
    const section: AdminSection | undefined = current?.section;
    const items = [
      // The open section is marked active (aria-current="true"); the page itself is marked in the
      // sub-navigation, so one link on the page says aria-current="page".
      ...sections.map((s) => ({ href: s.items[0]!.href, text: s.text, active: s.id === section, current: false })),
      ...row.map((i) => link(i.href, i.text, i === current)),
    ];
    const open = sections.find((s) => s.id === section);
    return { items, sub: open ? { label: open.text, items: open.items.map((i) => link(i.href, i.text, i === current)) } : null };
  };
}
