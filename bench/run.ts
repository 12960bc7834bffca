// npm run bench: every benchmark, in one run, each figure next to its baseline measured in the
// same run (these machines are noisy, so only ratios are comparable between runs).
import { cpus, loadavg } from 'node:os';
import { startApp } from './lib.ts';
import { benchPages } from './pages.ts';
import { benchRegistrations } from './registrations.ts';
import { benchStartup } from './startup.ts';

const engine = process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
// The load average says how busy the machine was: absolute times mean little when it is high.
console.log(`Coproduce benchmarks: Node ${process.version}, ${cpus().length} CPUs, ${engine}, load average ${loadavg()[0]!.toFixed(1)}\n`);

// `npm run bench -- pages startup` runs only those parts; no argument runs them all.
const parts = new Set(process.argv.slice(2));
const wanted = (part: string) => parts.size === 0 || parts.has(part);

const app = await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined);
try {
  if (wanted('startup')) {
    console.log('## Start-up\n');
    await benchStartup(app.databaseUrl);
  }
  if (wanted('pages')) {
    console.log('\n## Pages (three interleaved rounds of 3 s each)\n');
    await benchPages(app);
  }
  if (wanted('registrations')) {
    console.log('\n## Registrations\n');
    await benchRegistrations(app, { rows: Number(process.env.BENCH_ROWS ?? 100_000) });
  }
  if (wanted('jobs')) await (await import('./jobs.ts')).benchJobs(app.data.db, app.databaseUrl);
  if (wanted('digests')) {
    console.log('\n## Daily digests\n');
    await (await import('./digests.ts')).benchDigests();
  }
  if (wanted('meetings')) await (await import('./meetings.ts')).benchMeetings();
  if (wanted('discussions')) await (await import('./discussions.ts')).benchDiscussions();
  if (wanted('surveys')) await (await import('./surveys.ts')).benchSurveys();
  if (wanted('consultations')) await (await import('./consultations.ts')).benchConsultations();
} finally {
  await app.close();
}
