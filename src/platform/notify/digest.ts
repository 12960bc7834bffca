// Daily and weekly digests: one email per person per period, gathering the notifications they
// chose to hear about in a digest, grouped by project (or sub-group) and kind, each item once.
// Periods are London calendar days, and weeks from Monday, so a digest covers exactly the day or
// week its email names, whatever the clocks do in spring and autumn.
//
// Safe to run twice or on two instances at once: a person's digest for a period is recorded in
// digest_runs in the same transaction that takes their rows and queues the email, so only one run
// sends it. Nothing is missed: a run takes every row still waiting that was made before the
// period's end, so a notification written while the previous run was under way (its transaction
// began before midnight and committed after) goes in the next digest instead of being lost.
import { inTransaction, type Db, type Tx } from '../db/database.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { escapeHtml } from '../mail/templates.ts';
import { addDays, londonDate, startOfLondonDay, formatDate } from '../time.ts';
import { notificationKind } from './kinds.ts';
import { settingsFooter, unsubscribeHeaders, type NotifyContext } from './notify.ts';

export type DigestPeriod = 'daily' | 'weekly';

/**
 * Which items of one kind a person may still see, asked when their digest is built (they may
 * have left the sub-group since). A feature that notifies about its items declares it; items of a
 * kind with no declaration are taken as visible to whoever was notified.
 */
export type ItemVisibility = (db: Db | Tx, personId: number, itemIds: number[]) => Promise<Set<number>>;
const visibility = new Map<string, ItemVisibility>();
export function declareItemVisibility(itemKind: string, check: ItemVisibility): void {
  visibility.set(itemKind, check);
}

/** The last whole London day (daily) or Monday-to-Sunday week (weekly) before `at`. */
export function lastPeriod(period: DigestPeriod, at: Date): { first: string; last: string; start: Date; end: Date } {
  const today = londonDate(at);
  if (period === 'daily') {
    const day = addDays(today, -1);
    return { first: day, last: day, start: startOfLondonDay(day), end: startOfLondonDay(today) };
  }
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thisMonday = addDays(today, -weekday);
  const first = addDays(thisMonday, -7);
  return { first, last: addDays(thisMonday, -1), start: startOfLondonDay(first), end: startOfLondonDay(thisMonday) };
}

export type DigestResult = { sent: number; empty: number; alreadySent: number };

export async function sendDigests(db: Db, ctx: NotifyContext, period: DigestPeriod): Promise<DigestResult> {
  const p = lastPeriod(period, ctx.clock());
  const end = p.end.toISOString();
  const people = await db
    .selectFrom('notifications')
    .select('person_id')
    .distinct()
    .where('delivery', '=', period)
    .where('digested_at', 'is', null)
    .where('created_at', '<', end)
    .execute();
  const result: DigestResult = { sent: 0, empty: 0, alreadySent: 0 };
  for (const { person_id } of people) {
    const outcome = await inTransaction(db, (tx) => digestFor(tx, ctx, period, p, person_id));
    if (outcome === 'sent') result.sent++;
    else if (outcome === 'empty') result.empty++;
    else result.alreadySent++;
  }
  return result;
}

type Line = { kind: string; itemKind: string; itemId: number; title: string; url: string; group: string; count: number };

async function digestFor(tx: Tx, ctx: NotifyContext, period: DigestPeriod, p: ReturnType<typeof lastPeriod>, personId: number): Promise<'sent' | 'empty' | 'already'> {
  const now = ctx.clock().toISOString();
  const claimed = await tx
    .insertInto('digest_runs')
    .values({ person_id: personId, period, period_start: p.start.toISOString(), sent_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return 'already';
  const rows = await tx
    .selectFrom('notifications')
    .select(['id', 'kind', 'item_kind', 'item_id', 'title', 'url', 'group_label', 'created_at'])
    .where('person_id', '=', personId)
    .where('delivery', '=', period)
    .where('digested_at', 'is', null)
    .where('created_at', '<', p.end.toISOString())
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (!rows.length) return 'empty';
  await tx
    .updateTable('notifications')
    .set({ digested_at: now })
    .where('id', 'in', rows.map((r) => r.id))
    .execute();
  const person = await tx.selectFrom('people').select(['email', 'name', 'status', 'programme_mail_stopped_at']).where('id', '=', personId).executeTakeFirst();
  if (!person || person.status !== 'active' || person.programme_mail_stopped_at) return 'empty';

  // Only what the person may still see, asked once per item kind.
  const visible = new Map<string, Set<number>>();
  for (const itemKind of new Set(rows.map((r) => r.item_kind))) {
    const check = visibility.get(itemKind);
    const ids = [...new Set(rows.filter((r) => r.item_kind === itemKind).map((r) => r.item_id))];
    visible.set(itemKind, check ? await check(tx, personId, ids) : new Set(ids));
  }
  // Each item once per kind: the latest title, with how many times it was notified.
  const lines = new Map<string, Line>();
  for (const r of rows) {
    if (!visible.get(r.item_kind)?.has(r.item_id)) continue;
    const key = `${r.kind}\u0000${r.item_kind}\u0000${r.item_id}`;
    const line = lines.get(key);
    if (line) Object.assign(line, { title: r.title, url: r.url, group: r.group_label, count: line.count + 1 });
    else lines.set(key, { kind: r.kind, itemKind: r.item_kind, itemId: r.item_id, title: r.title, url: r.url, group: r.group_label, count: 1 });
  }
  if (!lines.size) return 'empty';
  await enqueueMail(tx, { to: person.email, ...composeDigest(ctx, period, p, personId, person.name, [...lines.values()]), category: 'programme', headers: unsubscribeHeaders(ctx, personId, `digest:${period}`) }, ctx.clock);
  return 'sent';
}

function composeDigest(ctx: NotifyContext, period: DigestPeriod, p: ReturnType<typeof lastPeriod>, personId: number, name: string, lines: Line[]): { subject: string; text: string; html: string } {
  const when = period === 'daily' ? `on ${formatDate(p.first)}` : `in the week from Monday ${formatDate(p.first)} to Sunday ${formatDate(p.last)}`;
  const subject = `Your ${period} summary: ${lines.length} ${lines.length === 1 ? 'update' : 'updates'}`;
  const groups = new Map<string, Map<string, Line[]>>();
  for (const line of lines) {
    const byKind = groups.get(line.group) ?? new Map<string, Line[]>();
    groups.set(line.group, byKind);
    byKind.set(line.kind, [...(byKind.get(line.kind) ?? []), line]);
  }
  const text: string[] = [`Hello ${name},`, `Here is what was new for you ${when} (UK time).`];
  const html: string[] = [
    '<!doctype html><html lang="en"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5">',
    `<p>Hello ${escapeHtml(name)},</p>`,
    `<p>Here is what was new for you ${escapeHtml(when)} (UK time).</p>`,
  ];
  for (const [group, byKind] of groups) {
    text.push(group.toUpperCase());
    html.push(`<h2 style="font-size:19px">${escapeHtml(group)}</h2>`);
    for (const [kind, items] of byKind) {
      const label = notificationKind(kind)?.label ?? kind;
      const link = (l: Line) => new URL(l.url, ctx.baseUrl).toString();
      const more = (l: Line) => (l.count > 1 ? ` (${l.count} updates)` : '');
      text.push(`${label}:\n${items.map((l) => `- ${l.title}${more(l)}\n  ${link(l)}`).join('\n')}`);
      html.push(`<h3 style="font-size:16px">${escapeHtml(label)}</h3><ul>${items.map((l) => `<li><a href="${escapeHtml(link(l))}">${escapeHtml(l.title)}</a>${escapeHtml(more(l))}</li>`).join('')}</ul>`);
    }
  }
  for (const part of settingsFooter(ctx, personId, `digest:${period}`, `with a ${period} summary`)) {
    if (typeof part === 'string') continue;
    text.push(`${part.text}:\n${part.link}`);
    html.push(`<p><a href="${escapeHtml(part.link)}">${escapeHtml(part.text)}</a></p>`);
  }
  html.push('</body></html>');
  return { subject, text: text.join('\n\n'), html: html.join('\n') };
}
