// What the survey's audience is told, through notify() (their preferences apply), and the jobs
// that open and close a survey. Each person's notice is claimed first (survey_notices), so a job
// run again tells nobody twice; reminders and "closing soon" go only to people with no row in
// survey_respondents. A job made for a time the survey no longer has does nothing.
import { addressees } from '../../../platform/audience/access.ts';
import { inTransaction, type Tx } from '../../../platform/db/database.ts';
import type { JobHandlers } from '../../../platform/jobs/runner.ts';
import { byAudience } from '../../../platform/notify/audience-visibility.ts';
import { declareItemVisibility } from '../../../platform/notify/digest.ts';
import type { NotificationKind } from '../../../platform/notify/kinds.ts';
import { notify, type NotifyContext } from '../../../platform/notify/notify.ts';
import { londonInstant } from '../../../platform/london-time.ts';
import { own } from '../service.ts';
import type { NoticeKind } from '../tables.ts';
import { setStatus } from '../queries.ts';
import { claimNotice, respondentsOf, surveyRow } from './queries.ts';
import { closeSurvey, ITEM_KIND } from './sending.ts';
import { scheduleJob } from '../../../platform/jobs/jobs.ts';

export const SURVEY_INVITED: NotificationKind = { kind: 'surveys.invited', label: 'When a survey is sent to you', defaultDelivery: 'immediately' };
export const SURVEY_REMINDER: NotificationKind = { kind: 'surveys.reminder', label: 'Reminders about surveys you have not answered', defaultDelivery: 'immediately' };
export const SURVEY_CLOSING: NotificationKind = { kind: 'surveys.closing-soon', label: 'When a survey you have not answered closes soon', defaultDelivery: 'immediately' };
export const SURVEY_KINDS: readonly NotificationKind[] = [SURVEY_INVITED, SURVEY_REMINDER, SURVEY_CLOSING];

// A digest line about a survey is shown only to people still in its audience.
declareItemVisibility(ITEM_KIND, byAudience(ITEM_KIND));

/** Tells the audience who have not responded (and not had this notice); returns how many were told. */
export async function tellAudience(tx: Tx, ctx: NotifyContext, surveyId: number, notice: NoticeKind): Promise<number> {
  const s = own(tx);
  const survey = await surveyRow(s, surveyId);
  if (!survey || survey.status !== 'open') return 0;
  const responded = await respondentsOf(s, surveyId);
  const url = `/surveys/${survey.id}`;
  const closes = survey.closes_at ? londonInstant(survey.closes_at) : '';
  const how = Number(survey.anonymous) === 1 ? 'Your answers are anonymous: they are not linked to you.' : 'Your answers will have your name on them, for the team running the survey.';
  const kind = notice === 'invited' ? SURVEY_INVITED : notice === 'reminder' ? SURVEY_REMINDER : SURVEY_CLOSING;
  const subject = notice === 'invited' ? `Please answer the survey “${survey.title}”` : notice === 'reminder' ? `Reminder: the survey “${survey.title}”` : `The survey “${survey.title}” closes soon`;
  const lead = notice === 'invited' ? `We would like your views in the survey “${survey.title}”.` : notice === 'reminder' ? `You have not answered the survey “${survey.title}” yet.` : `The survey “${survey.title}” closes soon and you have not answered it yet.`;
  let told = 0;
  for (const personId of await addressees(tx, ITEM_KIND, surveyId)) {
    if (responded.has(personId)) continue;
    if (!(await claimNotice(s, surveyId, personId, notice))) continue;
    await notify(tx, ctx, personId, kind.kind, { kind: ITEM_KIND, id: survey.id, title: survey.title, url, group: 'Surveys' }, {
      subject,
      greeting: 'Hello,',
      parts: [lead, closes ? `It closes on ${closes}.` : '', how, { link: `${ctx.baseUrl}${url}`, text: 'Answer the survey' }].filter((p) => p !== ''),
    });
    told++;
  }
  return told;
}

export function surveyJobHandlers(site: Pick<NotifyContext, 'baseUrl' | 'secret'>): JobHandlers {
  const ctxOf = (clock: NotifyContext['clock']): NotifyContext => ({ clock, baseUrl: site.baseUrl, secret: site.secret });
  return {
    'surveys.open': async (payload, job) => {
      await inTransaction(job.db, async (tx) => {
        const s = own(tx);
        const survey = await surveyRow(s, payload.surveyId);
        if (!survey || survey.status !== 'draft' || survey.opens_at !== payload.opensAt) return;
        await setStatus(s, payload.surveyId, 'open', job.clock().toISOString());
        await scheduleJob(tx, 'surveys.invite', job.clock(), { surveyId: payload.surveyId }, `surveys.invite:${payload.surveyId}:`, { clock: job.clock });
      });
    },
    'surveys.invite': async (payload, job) => {
      await inTransaction(job.db, (tx) => tellAudience(tx, ctxOf(job.clock), payload.surveyId, 'invited'));
    },
    'surveys.remind': async (payload, job) => {
      await inTransaction(job.db, async (tx) => {
        const survey = await surveyRow(own(tx), payload.surveyId);
        if (!survey || survey.closes_at !== payload.closesAt) return;
        await tellAudience(tx, ctxOf(job.clock), payload.surveyId, payload.notice);
      });
    },
    'surveys.close': async (payload, job) => {
      await inTransaction(job.db, async (tx) => {
        const survey = await surveyRow(own(tx), payload.surveyId);
        if (!survey || survey.status !== 'open' || survey.closes_at !== payload.closesAt) return;
        await closeSurvey(tx, payload.surveyId, job.clock);
      });
    },
  };
}
