// The service navigation: what each role can reach. Every link here is also guarded on its route.
import type { Role } from './platform/db/schema.ts';
import type { SessionUser } from './platform/auth/sessions.ts';

type NavItem = { href: string; text: string; roles: readonly Role[] | 'everyone' | 'signed-out' };

const ITEMS: NavItem[] = [
  { href: '/', text: 'Programme', roles: 'everyone' },
  { href: '/register', text: 'Register your interest', roles: 'signed-out' },
  { href: '/my', text: 'Your programme', roles: ['participant'] },
  // Admins can open these too; their own menu is long enough without them.
  { href: '/facilitate', text: 'Facilitate', roles: ['facilitator'] },
  { href: '/reports', text: 'Reports', roles: ['observer'] },
  { href: '/admin', text: 'Admin', roles: ['admin'] },
  { href: '/admin/registrations', text: 'Registrations', roles: ['admin'] },
  { href: '/admin/review', text: 'Emails to review', roles: ['admin'] },
  { href: '/admin/dashboard', text: 'Dashboard', roles: ['admin'] },
  { href: '/admin/projects', text: 'Projects and sub-groups', roles: ['admin'] },
  { href: '/admin/people', text: 'People', roles: ['admin'] },
  { href: '/admin/audit', text: 'Audit log', roles: ['admin'] },
  { href: '/admin/jobs', text: 'Scheduled jobs', roles: ['admin'] },
  { href: '/account', text: 'Account', roles: ['admin', 'facilitator', 'participant', 'observer'] },
];

export function navigationFor(user: SessionUser | null, path: string) {
  const visible = ITEMS.filter((i) => i.roles === 'everyone' || (i.roles === 'signed-out' ? !user : user && i.roles.includes(user.role)));
  // The most specific matching link is the current one.
  const current = visible
    .filter((i) => path === i.href || (i.href !== '/' && path.startsWith(`${i.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return visible.map((i) => ({ href: i.href, text: i.text, active: i === current, current: i === current }));
}
