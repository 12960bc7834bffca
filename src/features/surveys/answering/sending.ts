// Sending a survey (issue 12 §4): who it is for (an audience through the platform's rows, item kind
// 'survey', or an open link for people without an account), when it opens and closes, identified
// or anonymous, and whether an identified response may be changed until close. Saving schedules
// the jobs (jobs.ts): opening, invitations, the reminder, "closing soon" and closing. What can no
// longer change is refused by name: nothing changes on a closed survey; once open, the opening
// time and the anonymity stay as people were told (so anonymity never changes after a response).
import { randomToken, hashToken } from '../../../platform/auth/tokens.ts';
import { audienceOf, removeAudience, setAudience, type AudienceTarget, type NamedTarget } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import type { AudienceChoice } from '../../../platform/forms/audience.ts';
import { cancelJobs, scheduleJob } from '../../../platform/jobs/jobs.ts';
import type { Clock } from '../../../platform/time.ts';
import { allQuestions } from '../definition.ts';
import { loadDefinition, lockSurvey, setStatus, surveyById } from '../queries.ts';
import { clearDrafts, setClosesAt, setLinkHash, updateSending } from './queries.ts';
import { own } from '../service.ts';
import type { Survey } from '../tables.ts';

/** What a survey's audience and notices are called (audience rows, notifications, digests). */
export const ITEM_KIND = 'survey';
/** Who a survey can be for. */
export const SURVEY_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people'];
/** "Closing soon" goes this long before the close, to those who have not answered. */
export const CLOSING_SOON_MS = 2 * 24 * 3600_000;

declare module '../../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Opens a survey at its opening time, if it is still waiting to open at that time. */
    'surveys.open': { surveyId: number; opensAt: string };
    /** Invites everyone in an open survey's audience not yet invited and not yet responded. */
    'surveys.invite': { surveyId: number };
    /** Reminds (or says "closing soon" to) an open survey's audience who have not responded, if it still closes at closesAt. */
    'surveys.remind': { surveyId: number; closesAt: string; notice: 'reminder' | 'closing-soon' };
    /** Closes a survey at its closing time, if it still closes then: drafts are cleared. */
    'surveys.close': { surveyId: number; closesAt: string };
  }
}

export type SendSettings = {
  reach: 'audience' | 'link';
  audience: AudienceTarget[];
  /** UTC instants. */
  opensAt: string;
  closesAt: string;
  anonymous: boolean;
  editable: boolean;
};

export type SendRefusal = 'not_found' | 'closed' | 'anonymity_locked' | 'reach_locked' | 'close_before_open' | 'close_past' | 'no_questions';
export type SendOutcome = { ok: true; opened: boolean; link: string | null } | { ok: false; reason: SendRefusal };

// The trailing colon keeps survey 1's prefix from matching survey 10's keys (cancelJobs takes a prefix).
const jobKey = (kind: string, surveyId: number) => `surveys.${kind}:${surveyId}:`;

/** A survey has been sent once its opening time is set. */
export const isSent = (s: Pick<Survey, 'opens_at'>) => s.opens_at !== null;

/** Whether people may answer now: open, and not past its closing time (the close job may be a moment late). */
export function isAnswerable(s: Pick<Survey, 'status' | 'closes_at'>, now: Date): boolean {
  return s.status === 'open' && (s.closes_at === null || Date.parse(s.closes_at) > now.getTime());
}

/** Saves the sending settings and schedules what follows from them, under the survey's lock. */
export async function saveSending(db: Db, actorId: number, programmeId: number, surveyId: number, settings: SendSettings, clock: Clock): Promise<SendOutcome> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    if (!(await surveyById(s, programmeId, surveyId))) return { ok: false, reason: 'not_found' };
    await lockSurvey(s, surveyId);
    const survey = (await surveyById(s, programmeId, surveyId))!;
    const now = clock();
    if (survey.status === 'closed') return { ok: false, reason: 'closed' };
    const open = survey.status === 'open';
    if (open && Boolean(Number(survey.anonymous)) !== settings.anonymous) return { ok: false, reason: 'anonymity_locked' };
    // Once open, people are answering the way they were sent it: moving between an audience and a link would strand their drafts.
    if (open && (survey.open_link_hash !== null) !== (settings.reach === 'link')) return { ok: false, reason: 'reach_locked' };
    const opensAt = open ? survey.opens_at! : settings.opensAt;
    if (Date.parse(settings.closesAt) <= Date.parse(opensAt)) return { ok: false, reason: 'close_before_open' };
    if (Date.parse(settings.closesAt) <= now.getTime()) return { ok: false, reason: 'close_past' };
    const def = await loadDefinition(s, survey.live_version_id!, survey);
    if (!allQuestions(def).length) return { ok: false, reason: 'no_questions' };

    let link: string | null = null;
    let linkHash = survey.open_link_hash;
    if (settings.reach === 'link') {
      await removeAudience(tx, ITEM_KIND, surveyId);
      if (!linkHash) {
        link = randomToken();
        linkHash = hashToken(link);
      }
    } else {
      await setAudience(tx, ITEM_KIND, surveyId, settings.audience);
      linkHash = null;
    }
    const nowIso = now.toISOString();
    await updateSending(s, surveyId, { opens_at: opensAt, closes_at: settings.closesAt, anonymous: settings.anonymous ? 1 : 0, editable_until_close: settings.editable && !settings.anonymous ? 1 : 0, open_link_hash: linkHash }, nowIso);

    let opened = open;
    if (!open && Date.parse(opensAt) <= now.getTime()) {
      await setStatus(s, surveyId, 'open', nowIso);
      await cancelJobs(tx, jobKey('open', surveyId));
      opened = true;
    } else if (!open) {
      await scheduleJob(tx, 'surveys.open', new Date(opensAt), { surveyId, opensAt }, jobKey('open', surveyId), { clock });
    }
    // Invitations go when it opens (now, or by the opening job); an audience widened while open invites the new people.
    if (opened) await scheduleJob(tx, 'surveys.invite', now, { surveyId }, jobKey('invite', surveyId), { clock });
    await scheduleTimers(tx, surveyId, opensAt, settings.closesAt, clock);
    await recordAudit(tx, { actorId, action: 'survey.send', recordType: 'survey', recordId: surveyId, summary: `Sending settings saved (${settings.reach === 'link' ? 'open link' : 'audience'}, ${settings.anonymous ? 'anonymous' : 'identified'})` }, clock);
    return { ok: true, opened, link };
  });
}

/** The reminder (halfway), "closing soon" (2 days before, if that is after the reminder) and the close. */
async function scheduleTimers(tx: Tx, surveyId: number, opensAt: string, closesAt: string, clock: Clock): Promise<void> {
  const open = Date.parse(opensAt);
  const close = Date.parse(closesAt);
  const halfway = open + (close - open) / 2;
  const soon = close - CLOSING_SOON_MS;
  await cancelJobs(tx, jobKey('remind', surveyId));
  await scheduleJob(tx, 'surveys.remind', new Date(halfway), { surveyId, closesAt, notice: 'reminder' }, `${jobKey('remind', surveyId)}reminder`, { clock });
  if (soon > halfway) await scheduleJob(tx, 'surveys.remind', new Date(soon), { surveyId, closesAt, notice: 'closing-soon' }, `${jobKey('remind', surveyId)}closing-soon`, { clock });
  await scheduleJob(tx, 'surveys.close', new Date(closesAt), { surveyId, closesAt }, jobKey('close', surveyId), { clock });
}

/** A new open link (the old one stops working); the token is returned to be shown once, only its hash is kept. */
export async function regenerateLink(db: Db, actorId: number, programmeId: number, surveyId: number, clock: Clock): Promise<{ ok: true; link: string } | { ok: false; reason: 'not_found' | 'not_link' | 'closed' }> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    const survey = await surveyById(s, programmeId, surveyId);
    if (!survey) return { ok: false, reason: 'not_found' };
    if (survey.status === 'closed') return { ok: false, reason: 'closed' };
    if (!survey.open_link_hash) return { ok: false, reason: 'not_link' };
    const link = randomToken();
    await setLinkHash(s, surveyId, hashToken(link), clock().toISOString());
    await recordAudit(tx, { actorId, action: 'survey.link', recordType: 'survey', recordId: surveyId, summary: 'Open link made again: the old one no longer works' }, clock);
    return { ok: true, link };
  });
}

/** Closes a survey now: drafts keep only the page reached (no person, token or answers), as migration 026 says. */
export async function closeSurvey(tx: Tx, surveyId: number, clock: Clock): Promise<void> {
  const s = own(tx);
  const now = clock().toISOString();
  await setStatus(s, surveyId, 'closed', now);
  await clearDrafts(s, surveyId, now);
  await cancelJobs(tx, jobKey('remind', surveyId));
  await cancelJobs(tx, jobKey('open', surveyId));
}

/** "Close it now" from the admin page. */
export async function closeNow(db: Db, actorId: number, programmeId: number, surveyId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    const survey = await surveyById(s, programmeId, surveyId);
    if (!survey || survey.status !== 'open') return false;
    await lockSurvey(s, surveyId);
    await closeSurvey(tx, surveyId, clock);
    await setClosesAt(s, surveyId, clock().toISOString());
    await cancelJobs(tx, jobKey('close', surveyId));
    await recordAudit(tx, { actorId, action: 'survey.close', recordType: 'survey', recordId: surveyId, summary: 'Survey closed early' }, clock);
    return true;
  });
}

export async function sendingAudience(db: Db | Tx, surveyId: number): Promise<NamedTarget[]> {
  return audienceOf(db, ITEM_KIND, surveyId);
}
