// Messages to an audience (issue 10 §7): an admin, or a lead for the groups they lead, writes a
// message (Markdown, with ((name)) for each person's name) to an audience or to the people behind
// the filtered registrations list, previews it with how many people it will reach, and sends it.
// Sending schedules the messages.send job in the same transaction; the job tells each recipient
// through notify() (which honours their choice for 'messages.team' and leaves withdrawn people
// out), in batches, writing a recipient row in the same transaction as each notification, so a
// job run twice never sends anyone the message twice. Services return reason codes; pages word them.
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import {
  addressees,
  audienceChoices,
  audienceChoicesFor,
  audienceOf,
  audiencesOf,
  leadsAny,
  mayAddress,
  maySee,
  setAudience,
  type AudienceTarget,
  type NamedTarget,
  type Viewer,
} from '../../platform/audience/access.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { peopleNames } from '../../platform/auth/people.ts';
import { pickerChoices, type AudienceChoice } from '../../platform/forms/audience.ts';
import { scheduleJob } from '../../platform/jobs/jobs.ts';
import type { JobHandlers } from '../../platform/jobs/runner.ts';
import { deliveriesFor, notify, type NotifyContext } from '../../platform/notify/notify.ts';
import { markdownToText, renderRichText } from '../../platform/rich-text/rich-text.ts';
import type { Clock } from '../../platform/time.ts';
import { peopleOfRegistrations, registrationListFilters } from '../registration/service.ts';
import { MESSAGES_FROM_TEAM } from './notifications.ts';
import * as q from './queries.ts';
import type { Message, MessagesDb, MessagesTables } from './tables.ts';

declare module '../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Sends one message to everyone it is for who has not had it yet. */
    'messages.send': { messageId: number };
  }
}

const own = (db: Db | Tx): MessagesDb => scoped<MessagesTables, 'people'>(db);

/** What the item is called in the audience rows and notifications. */
export const ITEM_KIND = 'message';
/** The notification kind every message goes out as: people choose how they hear, or turn it off. */
export const MESSAGE_KIND = MESSAGES_FROM_TEAM.kind;
export { MESSAGES_FROM_TEAM };

/** What a message's audience can be: groups and chosen people (signed-in and public address nobody). */
export const MESSAGE_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people'];
export const SUBJECT_MAX = 150;
export const BODY_MAX = 20_000;
/** People told in one transaction: a small rollback if one fails, few commits. */
export const BATCH = 100;

/** The merge field for the recipient's name, as typed (any case, spaces allowed inside). */
const MERGE_FIELD = /\(\(\s*name\s*\)\)/gi;
/** A name put into Markdown is shown as typed: its punctuation never becomes formatting or a link. */
const escapeMarkdown = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|~&]/g, '\\$&');
export const personalise = (body: string, name: string) => body.replace(MERGE_FIELD, escapeMarkdown(name));
/** The message as a page shows it to one person: their name filled in, rendered and sanitised. */
export const renderFor = (body: string, name: string) => renderRichText(personalise(body, name));

// ---- Who may write

/** Admins write to anyone; a lead writes to the groups they lead; nobody else writes messages. */
export async function mayWrite(db: Db | Tx, viewer: Viewer): Promise<boolean> {
  if (!viewer) return false;
  return viewer.role === 'admin' || leadsAny(db, viewer);
}

/** What the audience picker offers this person, and what it lets them choose. */
export async function pickerFor(db: Db | Tx, viewer: Viewer, programmeId: number) {
  const choices = await audienceChoicesFor(db, viewer, programmeId);
  return { choices, allow: pickerChoices(choices.allowedKinds, MESSAGE_CHOICES) };
}

/**
 * What a posted audience is checked against: every group of the programme, so that a group that
 * does not exist is "not on the list", while one that exists but that this person does not lead
 * is refused by mayAddress with its own message.
 */
export const allGroups = (db: Db | Tx, programmeId: number) => audienceChoices(db, programmeId);

const canEdit = (viewer: Viewer, m: Pick<Message, 'author_id'>) => Boolean(viewer && (viewer.role === 'admin' || m.author_id === viewer.id));

// ---- Drafts

export type Audience = { kind: 'targets'; targets: AudienceTarget[] } | { kind: 'registrations'; query: unknown };
export type DraftInput = { subject: string; body: string; audience: Audience };
export type DraftRefusal = 'not_allowed' | 'not_found' | 'not_draft' | 'registrations_admins_only';
export type DraftResult = { ok: true; id: number } | { ok: false; reason: DraftRefusal };

/**
 * Saves a new draft (no id) or changes one. A lead may only address the groups they lead
 * (mayAddress, checked here as well as by the picker); only admins message the registrations
 * list, whose matching people are stored as chosen people.
 */
export async function saveDraft(db: Db, viewer: Viewer, programmeId: number, input: DraftInput, clock: Clock, id?: number): Promise<DraftResult> {
  if (!viewer) return { ok: false, reason: 'not_allowed' };
  return inTransaction(db, async (tx) => {
    let targets: AudienceTarget[];
    let noAccount = 0;
    let sourceFilters: string | null = null;
    if (input.audience.kind === 'registrations') {
      if (viewer.role !== 'admin') return { ok: false, reason: 'registrations_admins_only' } as const;
      const { filters, query } = registrationListFilters(input.audience.query);
      const people = await peopleOfRegistrations(tx, programmeId, filters);
      targets = people.personIds.map((pid) => ({ kind: 'person', id: pid }));
      noAccount = people.noAccount;
      sourceFilters = query;
    } else {
      targets = input.audience.targets;
      if (!(await mayAddress(tx, viewer, targets))) return { ok: false, reason: 'not_allowed' } as const;
    }
    const now = clock().toISOString();
    let messageId: number;
    if (id === undefined) {
      messageId = await q.insertMessage(
        own(tx),
        { programmeId, authorId: viewer.id, subject: input.subject, body: input.body, source: input.audience.kind === 'registrations' ? 'registrations' : 'audience', sourceFilters, noAccount },
        now,
      );
    } else {
      const m = await q.findMessage(own(tx), id);
      if (!m || m.programme_id !== programmeId || !canEdit(viewer, m)) return { ok: false, reason: 'not_found' } as const;
      if (m.status !== 'draft') return { ok: false, reason: 'not_draft' } as const;
      // A draft made from the registrations list keeps that list (its filters are worked out again now).
      if (m.source === 'registrations' && input.audience.kind !== 'registrations') return { ok: false, reason: 'not_allowed' } as const;
      if (!(await q.updateDraft(own(tx), id, { subject: input.subject, body: input.body, ...(m.source === 'registrations' ? { noAccount, sourceFilters } : {}) }, now))) {
        return { ok: false, reason: 'not_draft' } as const;
      }
      messageId = id;
    }
    await setAudience(tx, ITEM_KIND, messageId, targets);
    return { ok: true, id: messageId } as const;
  });
}

/** A message this person may change or send (theirs, or any for an admin), or undefined. */
export async function editableMessage(db: Db | Tx, viewer: Viewer, programmeId: number, id: number) {
  const m = await q.findMessage(own(db), id);
  if (!m || m.programme_id !== programmeId || !canEdit(viewer, m)) return undefined;
  return m;
}

export const messageAudience = (db: Db | Tx, id: number): Promise<NamedTarget[]> => audienceOf(db, ITEM_KIND, id);
/** The audiences of a page of messages, by message id. */
export const messageAudiences = (db: Db | Tx, ids: readonly number[]) => audiencesOf(db, ITEM_KIND, ids);

// ---- Preview: how many it will reach

export type Reach = { reach: number; withdrawn: number; off: number; noAccount: number; example: { id: number; name: string } | null };

/** How many people the message will reach now, who is left out and why, and one person to show it as. */
export async function reachOf(db: Db | Tx, m: Pick<Message, 'id' | 'no_account'>): Promise<Reach> {
  const ids = await addressees(db, ITEM_KIND, m.id);
  const deliveries = await deliveriesFor(db, MESSAGE_KIND, ids);
  const reached = ids.filter((pid) => ['immediately', 'daily', 'weekly'].includes(deliveries.get(pid) ?? ''));
  const exampleId = reached[0];
  const example = exampleId === undefined ? null : ((await peopleNames(db, [exampleId]))[0] ?? null);
  return {
    reach: reached.length,
    withdrawn: ids.filter((pid) => deliveries.get(pid) === 'withheld').length,
    off: ids.filter((pid) => deliveries.get(pid) === 'off').length,
    noAccount: m.no_account,
    example,
  };
}

// ---- Sending

export type SendRefusal = 'not_found' | 'not_draft' | 'not_allowed' | 'nobody';
export type SendResult = { ok: true; reach: number } | { ok: false; reason: SendRefusal };

/**
 * Sends a draft: marks it sending with its counts and schedules the job that delivers it, in one
 * transaction, so a second press (or two at once) sends it once. The author's right to address
 * its audience is checked again: a lead who no longer leads the group cannot send to it.
 */
export async function sendMessage(db: Db, viewer: Viewer, programmeId: number, id: number, clock: Clock): Promise<SendResult> {
  return inTransaction(db, async (tx) => {
    const m = await editableMessage(tx, viewer, programmeId, id);
    if (!m) return { ok: false, reason: 'not_found' } as const;
    if (m.status !== 'draft') return { ok: false, reason: 'not_draft' } as const;
    const targets = (await messageAudience(tx, id)).map((t): AudienceTarget => (t.kind === 'signed-in' || t.kind === 'public' ? { kind: t.kind } : { kind: t.kind, id: t.id }));
    if (viewer?.role !== 'admin' && !(await mayAddress(tx, viewer, targets))) return { ok: false, reason: 'not_allowed' } as const;
    const reach = await reachOf(tx, m);
    if (reach.reach + reach.withdrawn + reach.off === 0) return { ok: false, reason: 'nobody' } as const;
    const now = clock();
    if (!(await q.markSending(own(tx), id, { reached: reach.reach, withdrawn: reach.withdrawn, off: reach.off }, now.toISOString()))) return { ok: false, reason: 'not_draft' } as const;
    await scheduleJob(tx, 'messages.send', now, { messageId: id }, `messages.send:${id}`, { clock });
    await recordAudit(tx, { actorId: viewer!.id, action: 'message.send', recordType: 'message', recordId: id, summary: `Sent the message “${m.subject.slice(0, 80)}” to ${reach.reach} ${reach.reach === 1 ? 'person' : 'people'}` }, clock);
    return { ok: true, reach: reach.reach } as const;
  });
}

/** The email's paragraphs: the message as plain text (the platform's rendering for email), then a link to it. */
function emailParts(ctx: NotifyContext, m: Pick<Message, 'id' | 'body'>, name: string) {
  const text = markdownToText(personalise(m.body, name), { baseUrl: ctx.baseUrl });
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim());
  return [...paragraphs, { link: new URL(`/messages/${m.id}`, ctx.baseUrl).toString(), text: 'Read this message on the website' }];
}

function groupLabel(targets: NamedTarget[]): string {
  const groups = targets.filter((t) => t.kind === 'project' || t.kind === 'subgroup');
  return groups.length === 1 && targets.length === 1 && groups[0]!.name ? groups[0]!.name : 'The programme team';
}

/**
 * The messages.send job: tells everyone the message is for who has not been told yet, BATCH people
 * to a transaction. Each person's recipient row is claimed in the transaction that notifies them,
 * so a run that is repeated, or two at once, tells each person once. When nobody is left, the
 * message is marked sent with the counts its recipient rows hold.
 */
export async function deliverMessage(db: Db, ctx: NotifyContext, messageId: number): Promise<{ told: number }> {
  const m = await q.findMessage(own(db), messageId);
  if (!m || m.status !== 'sending') return { told: 0 };
  const targets = await messageAudience(db, messageId);
  const item = { kind: ITEM_KIND, id: m.id, title: m.subject, url: `/messages/${m.id}`, group: groupLabel(targets) };
  const done = await q.recipientIds(own(db), messageId);
  const waiting = (await addressees(db, ITEM_KIND, messageId)).filter((pid) => !done.has(pid));
  let told = 0;
  for (let i = 0; i < waiting.length; i += BATCH) {
    const batch = waiting.slice(i, i + BATCH);
    told += await inTransaction(db, async (tx) => {
      const names = new Map((await peopleNames(tx, batch)).map((p) => [p.id, p.name]));
      let n = 0;
      for (const personId of batch) {
        if (!(await q.claimRecipient(own(tx), messageId, personId, ctx.clock().toISOString()))) continue;
        const name = names.get(personId) ?? '';
        const outcome = await notify(tx, ctx, personId, MESSAGE_KIND, item, { subject: m.subject, greeting: 'A message from the programme team:', parts: emailParts(ctx, m, name) });
        await q.setRecipientDelivery(own(tx), messageId, personId, outcome);
        n++;
      }
      return n;
    });
  }
  await q.markSent(own(db), messageId, ctx.clock().toISOString());
  return { told };
}

/** The job handlers the runner takes from the manifest: they need where the site is and the unsubscribe secret. */
export function messageJobHandlers(site: Pick<NotifyContext, 'baseUrl' | 'secret'>): JobHandlers {
  return {
    'messages.send': async (payload, job) => {
      await deliverMessage(job.db, { clock: job.clock, baseUrl: site.baseUrl, secret: site.secret }, payload.messageId);
    },
  };
}

// ---- Reading a message

/**
 * A message as this person may read it, or undefined (the page is then "not found"): sent or being
 * sent, and they were sent it, or its audience includes them (maySee: admins, members, its leads).
 */
export async function readableMessage(db: Db | Tx, viewer: Viewer, id: number) {
  if (!viewer) return undefined;
  const m = await q.findMessage(own(db), id);
  if (!m || m.status === 'draft') return undefined;
  if (await q.isRecipient(own(db), id, viewer.id)) return m;
  return (await maySee(db, viewer, ITEM_KIND, id)) ? m : undefined;
}

// ---- The record (admins)

export const sentMessages = (db: Db | Tx, programmeId: number, page: number) => q.sentMessages(own(db), programmeId, page);
export const RECORD_PAGE_SIZE = q.RECORD_PAGE_SIZE;
export const recipientsOf = (db: Db | Tx, messageId: number) => q.recipientsOf(own(db), messageId);
/** Drafts to go back to: a lead's own, every draft for an admin. */
export const draftsFor = (db: Db | Tx, viewer: NonNullable<Viewer>, programmeId: number) => q.draftsOf(own(db), programmeId, viewer.role === 'admin' ? null : viewer.id);
export async function recordMessage(db: Db | Tx, programmeId: number, id: number) {
  const m = await q.findMessage(own(db), id);
  if (!m || m.programme_id !== programmeId || m.status === 'draft') return undefined;
  return m;
}

// ---- Templates

export const templatesOf = (db: Db | Tx, programmeId: number) => q.templatesOf(own(db), programmeId);
export async function findTemplate(db: Db | Tx, programmeId: number, id: number) {
  const t = await q.findTemplate(own(db), id);
  return t && t.programme_id === programmeId ? t : undefined;
}

export type TemplateResult = { ok: true; id: number } | { ok: false; reason: 'name_taken' };

export async function saveTemplate(db: Db, actorId: number, programmeId: number, input: { name: string; subject: string; body: string }, clock: Clock): Promise<TemplateResult> {
  return inTransaction(db, async (tx) => {
    if (await q.templateNameTaken(own(tx), programmeId, input.name)) return { ok: false, reason: 'name_taken' } as const;
    const id = await q.insertTemplate(own(tx), { programmeId, savedBy: actorId, ...input }, clock().toISOString());
    await recordAudit(tx, { actorId, action: 'message.template.save', recordType: 'message_template', recordId: id, summary: `Saved the message template “${input.name}”` }, clock);
    return { ok: true, id } as const;
  });
}

/** Deletes a template: admins any, others the ones they saved. False when it is not theirs or gone. */
export async function deleteTemplate(db: Db, viewer: NonNullable<Viewer>, programmeId: number, id: number, clock: Clock): Promise<{ ok: true; name: string } | { ok: false }> {
  return inTransaction(db, async (tx) => {
    const t = await findTemplate(tx, programmeId, id);
    if (!t || (viewer.role !== 'admin' && t.saved_by !== viewer.id)) return { ok: false } as const;
    await q.deleteTemplate(own(tx), id);
    await recordAudit(tx, { actorId: viewer.id, action: 'message.template.delete', recordType: 'message_template', recordId: id, summary: `Deleted the message template “${t.name}”` }, clock);
    return { ok: true, name: t.name } as const;
  });
}
