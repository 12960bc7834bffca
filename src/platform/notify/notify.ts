// notify(): the one way a feature tells a person something. It is written in the caller's
// transaction, like the outbox: a change that is rolled back tells nobody.
// What happens depends on the person and on their choice for the kind:
// - an essential kind is always emailed at once (never held back by preferences);
// - a withdrawn person gets no programme mail at all: the row is kept, marked withheld;
// - otherwise the person's choice (or the kind's default): emailed at once with a one-click
//   unsubscribe for the kind, kept for the daily or weekly digest, or only recorded (off).
// Every row is recorded either way, so the participant's home can list what is new for them.
import type { Insertable } from 'kysely';
import type { Tx, Db } from '../db/database.ts';
import { enqueueMails, type CalendarEvent, type Email } from '../mail/outbox.ts';
import { composeMail, type MailPart } from '../mail/templates.ts';
import type { Clock } from '../time.ts';
import { labelInSentence, notificationKind, notificationKinds, type NotificationKind } from './kinds.ts';
import type { Delivery, NotificationsTable, RowDelivery } from './tables.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

/** What notify() needs from the app: the clock, where the site is, and the secret that signs unsubscribe links. */
export type NotifyContext = { clock: Clock; baseUrl: string; secret: string };

/** The thing a notification is about, for the digest line and the person's home. */
export type NotifiedItem = { kind: string; id: number; title: string; url: string; group: string };

/** The email sent when the person hears at once: a greeting and paragraphs (links allowed). */
export type NotifyMessage = {
  subject: string;
  greeting: string;
  parts: MailPart[];
  /** A calendar invitation for the email; it goes only with an email sent at once (a digest line carries none). */
  calendar?: CalendarEvent;
  /**
   * Where a reply to this email goes, when a reply does something (a reply to a discussion post
   * is posted): an address that names this person and item with a signed token. Only with an
   * email sent at once.
   */
  replyTo?: string;
};

export type NotifyOutcome = RowDelivery | 'no-such-person';

export const SETTINGS_PATH = '/account/notifications';

/** The person's choice for each kind they have chosen for; missing kinds take the kind's default. */
export async function preferencesOf(db: Db | Tx, personId: number): Promise<Map<string, Delivery>> {
  const rows = await db.selectFrom('notification_preferences').select(['kind', 'delivery']).where('person_id', '=', personId).execute();
  return new Map(rows.map((r) => [r.kind, r.delivery]));
}

export function deliveryFor(kind: NotificationKind, chosen: Delivery | undefined): Delivery {
  if (kind.essential) return 'immediately';
  return chosen ?? kind.defaultDelivery;
}

/**
 * Records a person's choice for kinds. Turning a kind off (or to another period) also takes its
 * rows out of the digest they were waiting for, so a digest never carries what the person has
 * since said they do not want. Essential kinds cannot be changed and are ignored.
 */
export async function setPreferences(tx: Tx, personId: number, choices: Record<string, Delivery>, clock: Clock): Promise<void> {
  const now = clock().toISOString();
  for (const [name, delivery] of Object.entries(choices)) {
    const kind = notificationKind(name);
    if (!kind || kind.essential) continue;
    await tx
      .insertInto('notification_preferences')
      .values({ person_id: personId, kind: name, delivery, updated_at: now })
      .onConflict((oc) => oc.columns(['person_id', 'kind']).doUpdateSet({ delivery, updated_at: now }))
      .execute();
    // Rows waiting for a digest follow the new choice: immediately/off means they are not emailed
    // after all (the choice is about mail from now on), another period moves them there.
    const waiting = tx
      .updateTable('notifications')
      .where('person_id', '=', personId)
      .where('kind', '=', name)
      .where('digested_at', 'is', null)
      .where('delivery', 'in', ['daily', 'weekly']);
    if (delivery === 'daily' || delivery === 'weekly') await waiting.set({ delivery }).execute();
    else await waiting.set({ delivery: 'off' }).execute();
  }
}

/** Footer paragraphs every notification email ends with: why it came and how to change that. */
export function settingsFooter(ctx: NotifyContext, personId: number, unsubscribeKind: string | null, label: string): MailPart[] {
  const parts: MailPart[] = [{ link: new URL(SETTINGS_PATH, ctx.baseUrl).toString(), text: 'Choose which emails you get and how often' }];
  if (unsubscribeKind) parts.push({ link: unsubscribeUrl(ctx.baseUrl, ctx.secret, { personId, kind: unsubscribeKind }), text: `Stop emails ${label}` });
  return parts;
}

/** The RFC 8058 headers that let a mail client offer one-click unsubscribe. */
export function unsubscribeHeaders(ctx: NotifyContext, personId: number, kind: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(ctx.baseUrl, ctx.secret, { personId, kind })}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** An immediate email's extra headers: one-click unsubscribe (not for essential kinds) and where replies go. */
function mailHeaders(ctx: NotifyContext, personId: number, kind: NotificationKind, message: NotifyMessage): Record<string, string> | undefined {
  const headers = { ...(kind.essential ? {} : unsubscribeHeaders(ctx, personId, kind.kind)), ...(message.replyTo ? { 'Reply-To': message.replyTo } : {}) };
  return Object.keys(headers).length ? headers : undefined;
}

/** The people with their choice for one kind (null when they have made none): what rowDelivery reads. */
function peopleWithChoice(db: Db | Tx, kindName: string) {
  return db
    .selectFrom('people')
    .leftJoin('notification_preferences as p', (j) => j.onRef('p.person_id', '=', 'people.id').on('p.kind', '=', kindName))
    .select(['people.status', 'people.programme_mail_stopped_at', 'p.delivery']);
}

/** How a notification of this kind reaches this person: withheld when they have withdrawn (unless essential), else their choice. */
function rowDelivery(kind: NotificationKind, person: { status: string; programme_mail_stopped_at: string | null; delivery: Delivery | null }): RowDelivery {
  const withdrawn = person.programme_mail_stopped_at !== null || person.status !== 'active';
  return withdrawn && !kind.essential ? 'withheld' : deliveryFor(kind, person.delivery ?? undefined);
}

/**
 * How a notification of this kind would reach each of these people, without sending anything:
 * what notify() would do for each (withheld for the withdrawn, off for those who turned it off),
 * for a page that says beforehand how many people something will reach. People who do not exist
 * are left out of the map.
 */
export async function deliveriesFor(db: Db | Tx, kindName: string, personIds: readonly number[]): Promise<Map<number, RowDelivery>> {
  const kind = notificationKind(kindName);
  if (!kind) throw new Error(`notification kind ${kindName} was never declared`);
  const out = new Map<number, RowDelivery>();
  const unique = [...new Set(personIds)];
  // In slices, so a long list never passes the engines' limit on bound values.
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await peopleWithChoice(db, kindName).select('people.id').where('people.id', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, rowDelivery(kind, r));
  }
  return out;
}

/** One person to tell in a batch (notifyMany), of which kind and with which email. */
export type NotifyRecipient = { personId: number; kind: string; message: NotifyMessage };

/** People read and rows written per statement, so a long list never passes the engines' limit on bound values. */
const BATCH = 500;

/**
 * Tells one person about an item: notify() of one. Their choice for the kind decides (see the top
 * of this file); the row, and the email when they hear at once, are written in the caller's
 * transaction.
 */
export async function notify(tx: Tx, ctx: NotifyContext, personId: number, kindName: string, item: NotifiedItem, message: NotifyMessage): Promise<NotifyOutcome> {
  return (await notifyMany(tx, ctx, item, [{ personId, kind: kindName, message }]))[0]!;
}

/**
 * Tells many people about one item at once (a post's followers), each exactly as notify() would:
 * their own choice for their kind, withheld when they have withdrawn, an essential kind always
 * emailed, every row recorded, all in the caller's transaction. The people and their choices are
 * read in one query per kind, and the rows and emails written in one insert each (per 500 people),
 * rather than a few statements per person. The outcomes come back in the recipients' order.
 */
export async function notifyMany(tx: Tx, ctx: NotifyContext, item: NotifiedItem, recipients: readonly NotifyRecipient[]): Promise<NotifyOutcome[]> {
  const kinds = new Map<string, NotificationKind>();
  for (const r of recipients) {
    const kind = notificationKind(r.kind);
    if (!kind) throw new Error(`notification kind ${r.kind} was never declared`);
    kinds.set(r.kind, kind);
  }
  const outcomes: NotifyOutcome[] = [];
  for (let i = 0; i < recipients.length; i += BATCH) {
    const slice = recipients.slice(i, i + BATCH);
    const people = new Map<string, Map<number, { email: string; status: string; programme_mail_stopped_at: string | null; delivery: Delivery | null }>>();
    for (const kindName of new Set(slice.map((r) => r.kind))) {
      const ids = [...new Set(slice.filter((r) => r.kind === kindName).map((r) => r.personId))];
      const rows = await peopleWithChoice(tx, kindName).select(['people.id', 'people.email']).where('people.id', 'in', ids).execute();
      people.set(kindName, new Map(rows.map((p) => [p.id, p])));
    }
    const now = ctx.clock().toISOString();
    const rows: Insertable<NotificationsTable>[] = [];
    const mails: Email[] = [];
    for (const r of slice) {
      const kind = kinds.get(r.kind)!;
      const person = people.get(r.kind)!.get(r.personId);
      if (!person) {
        outcomes.push('no-such-person');
        continue;
      }
      const delivery = rowDelivery(kind, person);
      rows.push({ person_id: r.personId, kind: r.kind, item_kind: item.kind, item_id: item.id, group_label: item.group, title: item.title, url: item.url, delivery, created_at: now, digested_at: null });
      if (delivery === 'immediately' && person.status === 'active') {
        const body = composeMail(r.message.greeting, [...r.message.parts, ...settingsFooter(ctx, r.personId, kind.essential ? null : r.kind, `about this: ${labelInSentence(kind)}`)]);
        mails.push({ to: person.email, subject: r.message.subject, ...body, category: 'programme', headers: mailHeaders(ctx, r.personId, kind, r.message), calendar: r.message.calendar });
      }
      outcomes.push(delivery);
    }
    if (rows.length) await tx.insertInto('notifications').values(rows).execute();
    await enqueueMails(tx, mails, ctx.clock);
  }
  return outcomes;
}

/** Every kind with the person's delivery for it, for the settings page. */
export async function choicesOf(db: Db | Tx, personId: number): Promise<{ kind: NotificationKind; delivery: Delivery }[]> {
  const chosen = await preferencesOf(db, personId);
  return notificationKinds().map((kind) => ({ kind, delivery: deliveryFor(kind, chosen.get(kind.kind)) }));
}
