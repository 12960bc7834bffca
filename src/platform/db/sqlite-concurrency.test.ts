// Two processes writing to one SQLite file at once (the web server and an import-mail run) must
// queue for the write lock, never fail with "database is locked".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createDataAccess } from './database.ts';

const databaseModule = pathToFileURL(join(import.meta.dirname, 'database.ts')).href;

// Each writer reads, yields to its event loop (as a route does between queries), then writes:
// the read-then-write shape that a deferred BEGIN cannot upgrade once the other process commits.
const WRITER = `
import { sql } from 'kysely';
import { createDataAccess, inTransaction } from ${JSON.stringify(databaseModule)};
const [url, name, count] = process.argv.slice(1);
const data = createDataAccess(url);
const errors = [];
for (let i = 0; i < Number(count); i++) {
  try {
    await inTransaction(data.db, async (tx) => {
      const { rows } = await sql\`select count(*) as n from writes\`.execute(tx);
      await new Promise((resolve) => setImmediate(resolve));
      await sql\`insert into writes (writer, seen) values (\${name}, \${Number(rows[0].n)})\`.execute(tx);
    });
  } catch (e) {
    errors.push(String(e.message));
  }
}
await data.close();
process.stdout.write(JSON.stringify({ errors }));
`;

function runWriter(url: string, name: string, count: number): Promise<{ errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, url, name, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`writer ${name} exited with ${code}: ${err}`));
      resolve(JSON.parse(out) as { errors: string[] });
    });
  });
}

describe('SQLite with two writing processes', () => {
  let dir: string;
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coproduce-sqlite-'));
    url = `sqlite:${join(dir, 'shared.sqlite')}`;
    const data = createDataAccess(url);
    await sql`create table writes (id integer primary key, writer text not null, seen integer not null)`.execute(data.db);
    await data.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('queues concurrent write transactions instead of failing with "database is locked"', async () => {
    const count = 150;
    const [a, b] = await Promise.all([runWriter(url, 'a', count), runWriter(url, 'b', count)]);
    assert.deepEqual([...a.errors, ...b.errors], [], 'no transaction failed');
    const data = createDataAccess(url);
    try {
      const { rows } = await sql<{ n: number; distinct_seen: number }>`select count(*) as n, count(distinct seen) as distinct_seen from writes`.execute(data.db);
      assert.equal(Number(rows[0]!.n), 2 * count, 'every write was stored');
      // Each transaction saw every earlier commit: the lock was held from the read to the write.
      assert.equal(Number(rows[0]!.distinct_seen), 2 * count, 'no two transactions read the same state');
    } finally {
      await data.close();
    }
  });
});
