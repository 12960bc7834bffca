// node src/main.ts import-mail SOURCE: a progress bar while it works, a summary at the end.
import type { Config } from '../../config.ts';
import { createDataAccess } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrations/index.ts';
import { systemClock } from '../../platform/time.ts';
import { importFromSource, ImportError } from './import.ts';
import { SourceError } from './sources.ts';

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export async function runImportMail(source: string | undefined, config: Config): Promise<number> {
  if (!source) {
    process.stderr.write('import-mail needs a SOURCE: an .eml file, an .mbox file, a folder, or imaps://user:pass@host/INBOX\n');
    return 1;
  }
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const data = createDataAccess(config.databaseUrl);
  try {
    await migrateToLatest(data);
    const summary = await importFromSource(source, {
      db: data.db,
      clock: systemClock,
      baseUrl: config.baseUrl,
      onProgress: (done, total) => {
        if (tty) process.stderr.write(`\r${progressBar(done, total)}`);
        else if (done === total || Date.now() - lastLine > 2000) {
          lastLine = Date.now();
          process.stderr.write(`${progressBar(done, total)}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(
      [
        `Read ${summary.read} ${summary.read === 1 ? 'message' : 'messages'}:`,
        `  ${summary.created} new registrations (each sent a confirmation email)`,
        `  ${summary.updated} registrations updated`,
        `  ${summary.needsReview} need review by hand (see /admin/review)`,
        `  ${summary.alreadyImported} already imported before (skipped)`,
        `  ${summary.notRelevant} without "SUPPORT WORKFORCE" in the subject (recorded, not registered)`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof SourceError || e instanceof ImportError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await data.close();
  }
}
