// node src/main.ts import-mail SOURCE: a progress bar while it works, a summary at the end.
import type { Config } from '../../../config.ts';
import { createDataAccess, type Db } from '../../../platform/db/database.ts';
import { migrateToLatest } from '../../../platform/db/migrations/index.ts';
import { readSetting } from '../../../platform/settings.ts';
import { systemClock } from '../../../platform/time.ts';
import { importFromSource, ImportError, type ImportSummary, type Registered } from './import.ts';
import { SourceError } from './sources.ts';

export function progressBar(done: number, total: number | null, width = 30): string {
  // An mbox read as a stream: how many it holds is not known until the end, so count instead.
  if (total === null) return `${done} ${done === 1 ? 'message' : 'messages'} read`;
  const filled = total ? Math.min(width, Math.round((done / total) * width)) : width;
  const percent = total ? Math.round((done / total) * 100) : 100;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${percent}%)`;
}

export function summaryText(s: ImportSummary): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `Read ${plural(s.read, 'message', 'messages')}:`,
    `  ${s.created} new registrations (each sent a confirmation email)`,
    `  ${s.updated} registrations updated`,
    `  ${s.needsReview} need review by hand (see /admin/review)`,
    `  ${s.alreadyImported} already imported before (skipped)`,
    `  ${s.notRelevant} not relevant: no "${s.keyword}" in the subject (recorded, nothing registered)`,
    ...(s.posted || s.refused ? [`  ${s.posted} replies posted in discussions, ${s.refused} replies refused (the sender told why)`] : []),
    ...(s.failed ? [`  ${s.failed} could not be read (recorded with the reason; see /admin/review)`] : []),
  ].join('\n');
}

/** j***@example.org: enough for the operator to recognise an address without showing it whole. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** Who was registered, with which reference: for the operator's own terminal, not a log. */
export function registeredText(people: Registered[]): string {
  if (!people.length) return '';
  const safe = (s: string) => s.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, ' ');
  return ['Registered:', ...people.map((p) => `  ${p.reference}  ${safe(p.fullName)}${p.byContact ? ', through their contact' : ''} <${safe(maskEmail(p.email))}>${p.updated ? ' (updated)' : ''}`)].join('\n');
}

/**
 * The address the links in confirmation emails start with: BASE_URL when it is set, otherwise the
 * one the server last recorded when it started (it may run on another port than this shell's
 * settings would say), otherwise this run's own default.
 */
export async function linkBase(db: Db, config: Config): Promise<string> {
  if (config.baseUrlGiven) return config.baseUrl;
  return (await readSetting(db, 'base_url')) ?? config.baseUrl;
}

export async function runImportMail(source: string | undefined, config: Config): Promise<number> {
  if (!source) {
    process.stderr.write('import-mail needs a SOURCE: an .eml file, an .mbox file, a folder, or imaps://user:password@host/INBOX\n');
    return 1;
  }
  const tty = Boolean(process.stderr.isTTY);
  let lastLine = 0;
  let drawn = false;
  const data = createDataAccess(config.databaseUrl);
  try {
    await migrateToLatest(data);
    const registered: Registered[] = [];
    const summary = await importFromSource(source, {
      db: data.db,
      clock: systemClock,
      baseUrl: await linkBase(data.db, config),
      replies: { mailbox: config.replyMailbox, secret: config.sessionSecret },
      onRegistered: (r) => registered.push(r),
      onProgress: (done, total) => {
        // A bar redrawn in place on a terminal; occasional plain lines in a log file.
        if (tty) {
          process.stderr.write(`\r${progressBar(done, total)}`);
          drawn = true;
        }
        else if (done === total || Date.now() - lastLine > 2000) {
          lastLine = Date.now();
          process.stderr.write(`${progressBar(done, total)}\n`);
        }
      },
    });
    if (drawn) process.stderr.write('\n');
    process.stdout.write(`${summaryText(summary)}\n`);
    if (registered.length) process.stdout.write(`\n${registeredText(registered)}\n`);
    return 0;
  } catch (e) {
    if (drawn) process.stderr.write('\n');
    if (e instanceof SourceError || e instanceof ImportError) {
      process.stderr.write(`import-mail: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await data.close();
  }
}
