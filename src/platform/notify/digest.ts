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
import { enqueueMails, type Email } from '../mail/outbox.ts';
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
/**
 * Which of these rows' items the person may still see, by item kind: one check per kind (the
 * digest and the participant's home both ask it). A kind with no declaration is all visible.
 */
export async function visibleItems(db: Db | Tx, personId: number, rows: readonly { item_kind: string; item_id: number }[]): Promise<Map<string, Set<number>>> {
  const visible = new Map<string, Set<number>>();
  for (const itemKind of new Set(rows.map((r) => r.item_kind))) {
    const check = visibility.get(itemKind);
    const ids = [...new Set(rows.filter((r) => r.item_kind === itemKind).map((r) => r.item_id))];
    visible.set(itemKind, check ? await check(db, personId, ids) : new Set(ids));
  }
  return visible;
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

/** People whose digests are built in one transaction: fewer commits, and still a small rollback. */
const PEOPLE_PER_TRANSACTION = 200;

export async function sendDigests(db: Db, ctx: NotifyContext, period: DigestPeriod): Promise<DigestResult> {
  const p = lastPeriod(period, ctx.clock());
  const people = await db
    .selectFrom('notifications')
    .select('person_id')
    .distinct()
    .where('delivery', '=', period)
    .where('digested_at', 'is', null)
    .where('created_at', '<', p.end.toISOString())
    .orderBy('person_id')
    .execute();
  const result: DigestResult = { sent: 0, empty: 0, alreadySent: 0 };
  for (let i = 0; i < people.length; i += PEOPLE_PER_TRANSACTION) {
    const batch = people.slice(i, i + PEOPLE_PER_TRANSACTION).map((r) => r.person_id);
    const outcome = await inTransaction(db, (tx) => digestsFor(tx, ctx, period, p, batch));
    result.sent += outcome.sent;
    result.empty += outcome.empty;
    result.alreadySent += outcome.alreadySent;
  }
  return result;
}

type Line = { kind: string; itemKind: string; itemId: number; title: string; url: string; group: string; count: number };
type Waiting = { id: number; person_id: number; kind: string; item_kind: string; item_id: number; title: string; url: string; group_label: string };

async function digestsFor(tx: Tx, ctx: NotifyContext, period: DigestPeriod, p: ReturnType<typeof lastPeriod>, personIds: number[]): Promise<DigestResult> {
  const now = ctx.clock().toISOString();
  const end = p.end.toISOString();
  // Claim each person's digest for this period; a person another run has claimed is left to it.
  const claimed = (
    await tx
      .insertInto('digest_runs')
      .values(personIds.map((person_id) => ({ person_id, period, period_start: p.start.toISOString(), sent_at: now })))
      .onConflict((oc) => oc.doNothing())
      .returning('person_id')
      .execute()
  ).map((r) => r.person_id);
  const outcome: DigestResult = { sent: 0, empty: 0, alreadySent: personIds.length - claimed.length };
  if (!claimed.length) return outcome;
  const rows: Waiting[] = await tx
    .selectFrom('notifications')
    .select(['id', 'person_id', 'kind', 'item_kind', 'item_id', 'title', 'url', 'group_label'])
    .where('person_id', 'in', claimed)
    .where('delivery', '=', period)
    .where('digested_at', 'is', null)
    .where('created_at', '<', end)
    .orderBy('person_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  // Exactly the rows read are marked: one written meanwhile waits for the next digest.
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.updateTable('notifications').set({ digested_at: now }).where('id', 'in', rows.slice(i, i + 5000).map((r) => r.id)).execute();
  }
  const people = await tx.selectFrom('people').select(['id', 'email', 'name', 'status', 'programme_mail_stopped_at']).where('id', 'in', claimed).execute();
  const byPerson = new Map<number, Waiting[]>();
  for (const r of rows) {
    const list = byPerson.get(r.person_id);
    if (list) list.push(r);
    else byPerson.set(r.person_id, [r]);
  }
  const mails: Email[] = [];
  for (const person of people) {
    const lines = await visibleLines(tx, person.id, byPerson.get(person.id) ?? []);
    if (!lines.length || person.status !== 'active' || person.programme_mail_stopped_at) {
      outcome.empty++;
      continue;
    }
    mails.push({ to: person.email, ...composeDigest(ctx, period, p, person.id, person.name, lines), category: 'programme', headers: unsubscribeHeaders(ctx, person.id, `digest:${period}`) });
  }
  outcome.empty += claimed.length - people.length;
  await enqueueMails(tx, mails, ctx.clock);
  outcome.sent += mails.length;
  return outcome;
}

/** A person's waiting rows as digest lines: only what they may still see, each item once per kind. */
async function visibleLines(tx: Tx, personId: number, rows: Waiting[]): Promise<Line[]> {
  const visible = await visibleItems(tx, personId, rows);
  const lines = new Map<string, Line>();
  for (const r of rows) {
    if (!visible.get(r.item_kind)?.has(r.item_id)) continue;
    const key = `${r.kind}\u0000${r.item_kind}\u0000${r.item_id}`;
    const line = lines.get(key);
    if (line) Object.assign(line, { title: r.title, url: r.url, group: r.group_label, count: line.count + 1 });
    else lines.set(key, { kind: r.kind, itemKind: r.item_kind, itemId: r.item_id, title: r.title, url: r.url, group: r.group_label, count: 1 });
  }
  return [...lines.values()];
}

function composeDigest(ctx: NotifyContext, period: DigestPeriod, p: ReturnType<typeof lastPeriod>, personId: number, name: string, lines: Line[]): { subject: string; text: string; html: string } {
  const when = period === 'daily' ? `on ${formatDate(p.first)}` : `in the week from Monday ${formatDate(p.first)} to Sunday ${formatDate(p.last)}`;
  const subject = `Your ${period} summary: ${lines.length} ${lines.length === 1 ? 'update' : 'updates'}`;
  const groups = new Map<string, Map<string, Line[]>>();
  for (const line of lines) {
    const byKind = groups.get(line.group) ?? new Map<string, Line[]>();
    groups.set(line.group, byKind);
    const items = byKind.get(line.kind);
    if (items) items.push(line);
    else byKind.set(line.kind, [line]);
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
