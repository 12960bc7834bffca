// The meetings feature is built in parts, each in its own folder (calendar/, after/, lists/,
// adjustments/), beside the core (scheduling, answers and places in this folder). A part says
// here what it adds; feature.ts joins the parts into the one manifest, so the feature's routes,
// notification kinds, jobs, navigation and personal data are still declared once, in feature.ts.
import type { FastifyInstance } from 'fastify';
import type { FeatureJobDeps, NavItem, PersonalData } from '../../platform/feature.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import type { RecurringJob } from '../../platform/jobs/recurring.ts';
import type { JobHandlers } from '../../platform/jobs/runner.ts';
import type { NotificationKind } from '../../platform/notify/kinds.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/audience/access.ts';
import type { Clock } from '../../platform/time.ts';
import type { WithdrawalHandler } from '../../platform/withdrawal.ts';
import type { Meeting } from './tables.ts';

/** What a part shows on the meeting's page: a partial (it reads `part.data`) and its data. */
export type MeetingPagePart = { template: string; data: Record<string, unknown> };
export type MeetingPageContext = { db: Db; viewer: NonNullable<Viewer>; meeting: Meeting; manages: boolean; clock: Clock; baseUrl: string };

export type MeetingsPart = {
  routes?: (app: FastifyInstance, deps: AppDeps) => void | Promise<void>;
  navigation?: readonly NavItem[];
  notificationKinds?: readonly NotificationKind[];
  handlers?: (deps: FeatureJobDeps) => JobHandlers | Promise<JobHandlers>;
  recurring?: (deps: FeatureJobDeps) => readonly RecurringJob[];
  /** The part's section of the meeting's page for this person, or null. Parts show in the order feature.ts lists them. */
  meetingPage?: (ctx: MeetingPageContext) => Promise<MeetingPagePart | null>;
  personalData?: PersonalData;
  /** Lets go of a person who has withdrawn (their part in meetings to come), in the withdrawal's transaction. */
  onWithdraw?: WithdrawalHandler;
};
