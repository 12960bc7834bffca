// The export module: RFC 4180 CSV with a byte-order mark, XLSX with text cells, the formula guard
// in both, the download's name and type, and flat memory for 100,000 rows read from the database.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import ExcelJS from 'exceljs';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { parseCsv } from '../../../test/helpers/csv.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { csvChunks, csvLine, defuse, keysetRows, safeFileName, sendExport, type Column, type ExportFormat } from './export.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type Row = { id: number; name: string; note: string | null; score: number };
const columns: Column<Row>[] = [
  { header: 'Number', value: (r) => r.id },
  { header: 'Name', value: (r) => r.name },
  { header: 'Note', value: (r) => r.note },
  { header: 'Score', value: (r) => r.score },
];

const HOSTILE = ['=HYPERLINK("https://evil.example","click")', '+44 20 7946 0000', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1', '=cmd|\' /C calc\'!A0'];

async function* fromArray<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows;
}

function appSending(rows: () => AsyncIterable<Row>, fileName = 'people-2026-03-01'): FastifyInstance {
  const app = Fastify();
  app.get('/export.:format', (request, reply) => {
    const format = (request.params as { format: ExportFormat }).format;
    return sendExport(reply, { format, fileName, sheetName: 'People', columns, rows: rows() });
  });
  return app;
}

describe('the formula guard', () => {
  it('makes a CSV cell that starts with = + - @, a tab or a carriage return plain text, and leaves others alone', () => {
    for (const v of HOSTILE) assert.equal(defuse(v), `'${v}`, JSON.stringify(v));
    for (const v of ['1+1', 'a=b', 'x@example.org', '', "'quoted", ' =1']) assert.equal(defuse(v), v);
    assert.equal(csvLine(['=1', 2, null, undefined, -3, 'a,b']), `'=1,2,,,'-3,"a,b"\r\n`);
  });

  it('writes RFC 4180 records: quotes doubled, commas, semicolons and line breaks quoted, CRLF after each', async () => {
    let text = '';
    for await (const chunk of csvChunks(columns, fromArray([{ id: 1, name: 'say "hi"', note: 'two\nlines; and more', score: 1.5 }]))) text += chunk;
    assert.equal(text, '\uFEFFNumber,Name,Note,Score\r\n1,"say ""hi""","two\nlines; and more",1.5\r\n');
  });
});

describe('sendExport', () => {
  const rows: Row[] = HOSTILE.map((name, i) => ({ id: i + 1, name, note: i % 2 ? null : `Nóte ${i} – ✓`, score: i * 10 }));
  let app: FastifyInstance;
  before(() => (app = appSending(() => fromArray(rows))));
  after(() => app.close());

  it('sends a CSV download with a byte-order mark, the header row and every row, formulas defused', async () => {
    const res = await app.inject('/export.csv');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="people-2026-03-01.csv"');
    assert.deepEqual([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
    const parsed = parseCsv(res.body.slice(1));
    assert.deepEqual(parsed[0], ['Number', 'Name', 'Note', 'Score']);
    assert.equal(parsed.length, rows.length + 1);
    assert.deepEqual(parsed.slice(1).map((r) => r[1]), HOSTILE.map((v) => `'${v}`));
    assert.equal(parsed[1]![2], 'Nóte 0 – ✓');
    assert.equal(parsed[2]![2], '');
  });

  it('sends an XLSX download whose cells are text (never formulas) in the Text format, and numbers as numbers', async () => {
    const res = await app.inject('/export.xlsx');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="people-2026-03-01.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('People')!;
    assert.deepEqual([1, 2, 3, 4].map((i) => sheet.getRow(1).getCell(i).value), ['Number', 'Name', 'Note', 'Score']);
    assert.equal(sheet.getRow(1).font?.bold, true);
    assert.equal(sheet.rowCount, rows.length + 1);
    rows.forEach((r, i) => {
      const row = sheet.getRow(i + 2);
      const name = row.getCell(2);
      assert.equal(name.type, ExcelJS.ValueType.String, `row ${i + 2}`);
      // As typed (XML reads a lone carriage return as a line break).
      assert.equal(name.value, r.name.replace(/\r/g, '\n'));
      assert.equal(name.formula, undefined);
      assert.equal(name.numFmt, '@', 'Text format: stays text when edited');
      assert.equal(row.getCell(1).type, ExcelJS.ValueType.Number);
      assert.equal(row.getCell(4).value, r.score);
    });
  });

  it('fails with an error status, not half a file, when the rows cannot be read at all', async () => {
    const failing = appSending(() => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('database down')) }),
    }));
    try {
      for (const format of ['csv', 'xlsx']) {
        const res = await failing.inject(`/export.${format}`);
        assert.equal(res.statusCode, 500, format);
        assert.equal(res.headers['content-disposition'], undefined);
      }
    } finally {
      await failing.close();
    }
  });

  it('sends an empty export as the header row alone', async () => {
    const empty = appSending(() => fromArray([]));
    try {
      const res = await empty.inject('/export.csv');
      assert.equal(res.body, '\uFEFFNumber,Name,Note,Score\r\n');
    } finally {
      await empty.close();
    }
  });

  it('keeps the file name to characters a header can carry', () => {
    assert.equal(safeFileName('registrations-2026-03-01.csv'), 'registrations-2026-03-01.csv');
    assert.equal(safeFileName('a"b\r\nc; d/../e.csv'), 'a-b-c-d-..-e.csv');
    assert.equal(safeFileName('../../etc'), 'etc');
    assert.equal(safeFileName('"'), 'export');
  });
});

const ROWS = 100_000;

describe(`100,000 rows from the database on ${TEST_ENGINE}`, () => {
  let data: TestData;
  let app: FastifyInstance;
  let samples: number[] = [];
  let dir: string;

  before(async () => {
    data = await createTestDatabase({ migrate: false });
    dir = await mkdtemp(join(tmpdir(), 'export-test-'));
    await sql`create table export_test_rows (id integer primary key, name text not null, note text, score integer not null)`.execute(data.db);
    if (TEST_ENGINE === 'postgres') {
      await sql`insert into export_test_rows select i, 'Person number ' || i, case when i % 7 = 0 then '=SUM(A1:A9)' else 'A note about person ' || i || ', with a comma' end, i % 100 from generate_series(1, ${ROWS}) as i`.execute(data.db);
    } else {
      await sql`insert into export_test_rows with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ROWS}) select i, 'Person number ' || i, case when i % 7 = 0 then '=SUM(A1:A9)' else 'A note about person ' || i || ', with a comma' end, i % 100 from n`.execute(data.db);
    }
    // The feature's paged query: the next page after the last row's id, sampling the heap as it goes.
    let pages = 0;
    const page = async (after: Row | undefined, limit: number) => {
      if (pages++ % 10 === 0) {
        gc();
        samples.push(process.memoryUsage().heapUsed);
      }
      const r = await sql<Row>`select id, name, note, score from export_test_rows where id > ${after?.id ?? 0} order by id limit ${limit}`.execute(data.db);
      return r.rows;
    };
    app = appSending(() => keysetRows(page, 1000));
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await data.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Downloads over a real socket into a file, so the test itself holds none of it. */
  /**
   * Holding the 100,000 rows alone takes about 18 MB of heap (and their CSV as one string 14 MB
   * more), so a buffered export would pass this bound many times over; streamed, a page of rows
   * and a few chunks are held at once, whether the first or the last page is being written.
   */
  const BOUND = 8_000_000;
  function assertFlat(growth: number) {
    assert.ok(growth < BOUND, `heap grew by ${growth} bytes`);
    const early = samples[1]!;
    const late = samples.at(-1)!;
    assert.ok(late - early < 2_000_000, `the heap kept growing, from ${early} to ${late} bytes`);
  }

  async function download(format: ExportFormat): Promise<{ path: string; bytes: number; growth: number }> {
    samples = [];
    gc();
    const start = process.memoryUsage().heapUsed;
    const address = app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}/export.${format}`);
    assert.equal(res.status, 200);
    const path = join(dir, `rows.${format}`);
    let bytes = 0;
    const body = Readable.fromWeb(res.body as never);
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, createWriteStream(path));
    assert.ok(samples.length >= 9, `sampled ${samples.length} times`);
    return { path, bytes, growth: Math.max(...samples) - start };
  }

  it('streams the CSV with flat memory', async () => {
    const { path, bytes, growth } = await download('csv');
    const lines = await countCsvLines(path);
    assert.equal(lines, ROWS + 1, 'the header row and every row');
    assert.ok(bytes > 6_000_000, `${bytes} bytes`);
    assertFlat(growth);
  });

  it('streams the XLSX with flat memory', { timeout: 120_000 }, async () => {
    const { path, growth } = await download('xlsx');
    assertFlat(growth);
    let count = 0;
    let last: ExcelJS.Row | undefined;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {});
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        count++;
        last = row;
      }
    }
    assert.equal(count, ROWS + 1);
    assert.equal(last?.getCell(1).value, ROWS);
    assert.equal(last?.getCell(2).value, `Person number ${ROWS}`);
  });
});

async function countCsvLines(path: string): Promise<number> {
  const { createReadStream } = await import('node:fs');
  let lines = 0;
  let formulas = 0;
  let defused = 0;
  let tail = '';
  for await (const chunk of createReadStream(path, 'utf8')) {
    const text = tail + (chunk as string);
    const complete = text.slice(0, text.lastIndexOf('\r\n') + 2);
    formulas += (complete.match(/,=SUM/g) ?? []).length;
    defused += (complete.match(/,'=SUM/g) ?? []).length;
    lines += complete.split('\r\n').length - 1;
    tail = text.slice(complete.length);
  }
  assert.equal(formulas, 0, 'no cell starts with =');
  assert.equal(defused, Math.floor(ROWS / 7), 'every formula-like note defused');
  return lines;
}
