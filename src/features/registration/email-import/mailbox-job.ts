// The programme mailbox read on a schedule: with IMAP_URL set, every 5 minutes the import reads
// the mailbox (read-only) for replies to discussions and registrations alike, as `import-mail`
// does by hand, and records the run's outcome for the admins (counts only: no addresses). A run
// that cannot reach the mailbox is recorded with the reason and waits for the next one, rather
// than retrying sooner.
// Each run reads only the messages after where the last one stopped (position-table.ts: the
// mailbox's UIDVALIDITY and the highest UID taken in with every message before it), so a run
// takes as long as the new mail, not the whole mailbox; everything again when the UIDVALIDITY
// changes. The mark moves only once the messages are stored, so a run that fails midway skips
// nothing (and each message is taken in once, so reading one again is safe); it only ever moves
// forward, so two runs at once (two instances, or one run longer than five minutes) cannot put it
// back. `import-mail` by hand still reads everything.
import type { Config } from '../../../config.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { RecurringJob } from '../../../platform/jobs/recurring.ts';
import type { JobHandlers } from '../../../platform/jobs/runner.ts';
import type { Clock } from '../../../platform/time.ts';
import { importFromSource, ImportError, type ImportSummary } from './import.ts';
import { imapMailboxKey, SourceError, type MessageSource, type OpenOptions } from './sources.ts';
import { storable } from './parse.ts';
import { mailboxPosition, recordRun, saveMailboxPosition } from './queries.ts';
import { mailboxPositionsDb } from './position-table.ts';
import { mailRunsDb, type MailRun } from './runs-table.ts';

declare module '../../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** One read of the programme mailbox (IMAP_URL) for replies and registrations. */
    'registration.read-mailbox': Record<string, never>;
  }
}


export const READ_MAILBOX: RecurringJob = { name: 'read-mailbox', cron: '*/5 * * * *', kind: 'registration.read-mailbox', payload: {}, maxAttempts: 1 };

export type MailboxDeps = { config: Pick<Config, 'imapUrl' | 'baseUrl' | 'replyMailbox' | 'sessionSecret'>; open?: (source: string, options: OpenOptions) => Promise<MessageSource> };

/** Reads the mailbox once and records what came of it; returns the record. */
export async function readMailbox(db: Db, clock: Clock, deps: MailboxDeps): Promise<MailRun | null> {
  const source = deps.config.imapUrl;
  if (!source) return null;
  const started = clock().toISOString();
  let summary: ImportSummary | null = null;
  let error: string | null = null;
  try {
    // Only the mailbox's address without its password names where it stopped.
    const mailbox = imapMailboxKey(source);
    summary = await importFromSource(source, {
      db,
      clock,
      baseUrl: deps.config.baseUrl,
      replies: { mailbox: deps.config.replyMailbox, secret: deps.config.sessionSecret },
      after: await mailboxPosition(mailboxPositionsDb(db), mailbox),
      onPosition: async (mark) => {
        await saveMailboxPosition(mailboxPositionsDb(db), mailbox, mark, clock().toISOString());
      },
      ...(deps.open ? { open: deps.open } : {}),
    });
  } catch (e) {
    // SourceError and ImportError say what went wrong in words for the team, never the password.
    // Anything else is a fault of ours: the admins still see that this run failed (its words may
    // hold anything, so they go only to the server log, through the job runner).
    if (!(e instanceof SourceError || e instanceof ImportError)) {
      await record(db, started, clock, null, UNEXPECTED);
      throw e;
    }
    error = storable(e.message).slice(0, 500);
  }
  return record(db, started, clock, summary, error);
}

/** What the admins read when a run failed for a reason of ours rather than the mailbox's. */
export const UNEXPECTED = 'The mailbox could not be read because of a problem in Coproduce itself. The details are in the server log; the next run tries again.';

function record(db: Db, started: string, clock: Clock, s: ImportSummary | null, error: string | null): Promise<MailRun> {
  return recordRun(mailRunsDb(db), {
    started_at: started,
    finished_at: clock().toISOString(),
    read: s?.read ?? 0,
    registered: (s?.created ?? 0) + (s?.updated ?? 0),
    posted: s?.posted ?? 0,
    for_review: s?.needsReview ?? 0,
    refused: s?.refused ?? 0,
    failed: s?.failed ?? 0,
    skipped: (s?.alreadyImported ?? 0) + (s?.notRelevant ?? 0),
    error,
  });
}

export function mailboxJobs(deps: MailboxDeps): { handlers: JobHandlers; recurring: RecurringJob[] } {
  if (!deps.config.imapUrl) return { handlers: {}, recurring: [] };
  return {
    handlers: { 'registration.read-mailbox': async (_payload, job) => void (await readMailbox(job.db, job.clock, deps)) },
    recurring: [READ_MAILBOX],
  };
}
