// npm run bench: every benchmark, in one run, each figure next to its baseline measured in the
// same run (these machines are noisy, so only ratios are comparable between runs).
import { cpus } from 'node:os';
import { startApp } from './lib.ts';
import { benchPages } from './pages.ts';
import { benchRegistrations } from './registrations.ts';

const engine = process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
console.log(`Coproduce benchmarks: Node ${process.version}, ${cpus().length} CPUs, ${engine}\n`);

const app = await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined);
try {
  console.log('## Pages (10 connections, 5 s each)');
  await benchPages(app);
  console.log('\n## Registrations');
  await benchRegistrations(app, { rows: Number(process.env.BENCH_ROWS ?? 100_000) });
} finally {
  await app.close();
}
