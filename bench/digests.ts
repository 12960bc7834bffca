// Daily digests at scale: 10,000 people (BENCH_DIGEST_PEOPLE) with 20 notifications each
// waiting for yesterday's digest, then one sendDigests run, next to the same number of
// single-row selects on the same engine (the floor: a digest has to read each person at least
// once). Reports the absolute time too; the aim is under 30 seconds on these machines.
//
//   node bench/digests.ts
//   DATABASE_URL=postgres://... node bench/digests.ts
import { declareNotificationKinds } from '../src/platform/notify/kinds.ts';
import { sendDigests } from '../src/platform/notify/digest.ts';
import type { Insertable } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import type { NotificationsTable } from '../src/platform/notify/tables.ts';
import { addDays, londonDate, startOfLondonDay } from '../src/platform/time.ts';
import { fmt, startApp, table, type BenchApp } from './lib.ts';

const PEOPLE = Number(process.env.BENCH_DIGEST_PEOPLE ?? 10_000);
const PER_PERSON = 20;

declareNotificationKinds(
  { kind: 'bench.new', label: 'When something new is posted for you', defaultDelivery: 'daily' },
  { kind: 'bench.reply', label: 'When someone replies to you', defaultDelivery: 'daily' },
);

async function load(db: Db, now: Date): Promise<number[]> {
  const created = now.toISOString();
  const ids: number[] = [];
  for (let start = 0; start < PEOPLE; start += 500) {
    const rows = Array.from({ length: Math.min(500, PEOPLE - start) }, (_, k) => {
      const i = start + k;
      return { email: `digest-${i}@example.org`, email_normalised: `digest-${i}@example.org`, name: `Person ${i}`, role: 'participant' as const, status: 'active' as const, created_at: created, updated_at: created, programme_mail_stopped_at: null };
    });
    ids.push(...(await db.insertInto('people').values(rows).returning('id').execute()).map((r) => r.id));
  }
  // Yesterday, London time: what this morning's digest covers.
  const yesterday = startOfLondonDay(addDays(londonDate(now), -1)).getTime();
  const batch: Insertable<NotificationsTable>[] = [];
  const flush = async () => {
    if (batch.length) await db.insertInto('notifications').values(batch.splice(0)).execute();
  };
  for (const [p, personId] of ids.entries()) {
    for (let n = 0; n < PER_PERSON; n++) {
      batch.push({
        person_id: personId,
        kind: n % 3 ? 'bench.new' : 'bench.reply',
        item_kind: 'bench-item',
        item_id: (p * 7 + n) % 500, // items shared between people, some notified twice
        group_label: `Project ${n % 4}`,
        title: `Item ${(p * 7 + n) % 500}`,
        url: `/items/${(p * 7 + n) % 500}`,
        delivery: 'daily',
        created_at: new Date(yesterday + ((p + n) * 977) % 86_000_000).toISOString(),
        digested_at: null,
      });
      if (batch.length >= 500) await flush();
    }
  }
  await flush();
  return ids;
}

export async function benchDigests(app?: BenchApp): Promise<void> {
  const own = app ?? (await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined));
  try {
    const db = own.data.db;
    const now = new Date();
    const ids = await load(db, now);
    const ctx = { clock: () => now, baseUrl: 'http://localhost:3000', secret: 'bench-secret-bench-secret-bench-secret' };

    const selectStart = performance.now();
    for (const id of ids) await db.selectFrom('people').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
    const selectMs = performance.now() - selectStart;

    const start = performance.now();
    const result = await sendDigests(db, ctx, 'daily');
    const digestMs = performance.now() - start;
    const mails = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (result.sent !== PEOPLE || Number(mails.n) < PEOPLE) throw new Error(`expected ${PEOPLE} digests, sent ${result.sent}`);
    console.log(
      table([
        ['measure', 'time', 'per person'],
        [`${PEOPLE.toLocaleString('en-GB')} single-row selects`, `${fmt(selectMs / 1000, 2)} s`, `${fmt((selectMs / PEOPLE) * 1000)} µs`],
        [`daily digests for ${PEOPLE.toLocaleString('en-GB')} people, ${PER_PERSON} items each`, `${fmt(digestMs / 1000, 2)} s`, `${fmt((digestMs / PEOPLE) * 1000)} µs`],
        ['digests / selects', `${fmt(digestMs / selectMs, 1)}×`, ''],
      ]),
    );
  } finally {
    if (!app) await own.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDigests();
