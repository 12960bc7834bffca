// The one export module: a feature declares its columns and hands over a stream of rows; this
// writes them as CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads it as UTF-8) or as an
// Excel workbook (exceljs's streaming writer), a page of rows at a time, so the memory an export
// takes does not grow with the number of rows. The rows should come from a keyset-paged query
// (an async generator that reads the next page after the last row of this one).
//
// Formulas (OWASP "CSV injection"): a cell that starts with = + - @, a tab or a carriage return is
// run as a formula by spreadsheet programs. People type what we export, so:
// - in CSV, which has no cell types, such a cell gets a leading apostrophe and reads as text;
// - in XLSX every cell is written as a text cell (never a formula) in the Text number format, so
//   it shows exactly what was typed and stays text even when someone edits it and presses Enter.
import { PassThrough, Readable, type Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** What one cell may hold. Numbers stay numbers in a workbook; nothing else is ever a formula. */
export type CellValue = string | number | null | undefined;

/** One column: its header and how to get its cell from a row. `width` is in characters (XLSX only). */
export type Column<Row> = { header: string; value: (row: Row) => CellValue; width?: number };

export type ExportFormat = 'csv' | 'xlsx';

const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell that a spreadsheet would run as a formula, made plain text with a leading apostrophe. */
export function defuse(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * One RFC 4180 record: CRLF-terminated; fields with a comma, quote or line break are quoted, quotes
 * doubled. So are fields with a semicolon, the separator where Excel's list separator is one.
 */
export function csvLine(cells: readonly CellValue[]): string {
  return `${cells
    .map((c) => {
      const v = defuse(c === null || c === undefined ? '' : String(c));
      return /[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',')}\r\n`;
}

/** Writes fewer, larger chunks: one for about every 32 KiB of records. */
const CSV_CHUNK = 32_768;

/** The CSV, a chunk of records at a time: the byte-order mark and header row first. */
export async function* csvChunks<Row>(columns: readonly Column<Row>[], rows: AsyncIterable<Row>): AsyncGenerator<string> {
  let chunk = `\uFEFF${csvLine(columns.map((c) => c.header))}`;
  for await (const row of rows) {
    chunk += csvLine(columns.map((c) => c.value(row)));
    if (chunk.length > CSV_CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Resolves when out can take more (or is closed, which the caller then checks). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * The workbook, one sheet, streamed to out: a bold, frozen header row, then a row per row. Between
 * rows it waits while out is full, so a slow download holds a few pages in memory, never the export.
 */
async function writeXlsx<Row>(columns: readonly Column<Row>[], rows: AsyncIterable<Row>, out: Writable, sheetName = 'Sheet 1'): Promise<void> {
  // Loaded when a workbook is asked for: exceljs costs about 0.4 s of every start otherwise.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(12, c.header.length + 2) }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  for await (const row of rows) {
    const cells = columns.map((c) => c.value(row));
    const added = sheet.addRow(cells.map((v) => (typeof v === 'number' ? v : (v ?? ''))));
    cells.forEach((v, i) => {
      // Text format: what was typed stays text, even when edited in Excel.
      if (typeof v !== 'number') added.getCell(i + 1).numFmt = '@';
    });
    added.commit();
    if (out.writableNeedDrain) await drained(out);
    if (out.destroyed) throw new Error('the download was closed before it finished');
  }
  sheet.commit();
  await workbook.commit();
}

const londonParts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "1 December 2026 09:30", London time, for an ISO instant: what a spreadsheet reader expects. */
export function spreadsheetDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = Object.fromEntries(londonParts.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`;
}

/** A file name safe in a Content-Disposition header: letters, digits, dot, dash and underscore. */
export function safeFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return safe.slice(0, 120) || 'export';
}

export type ExportOptions<Row> = {
  format: ExportFormat;
  /** Without the extension, which the format adds: "registrations-2026-03-01". */
  fileName: string;
  columns: readonly Column<Row>[];
  rows: AsyncIterable<Row>;
  /** The workbook's sheet name (XLSX only). */
  sheetName?: string;
};

/** Hands back rows with the first one already read, so a failing query fails before any byte is sent. */
async function started<Row>(rows: AsyncIterable<Row>): Promise<AsyncIterable<Row>> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // A download closed early stops the query's generator too.
        await iterator.return?.();
      }
    },
  };
}

/**
 * Sends an export as a download: the file name, the header row, then the rows as they are read.
 * A feature only declares its columns and gives a paged row stream:
 * `return sendExport(reply, { format: 'csv', fileName: 'meetings-2026-03-01', columns, rows })`.
 */
export async function sendExport<Row>(reply: FastifyReply, options: ExportOptions<Row>): Promise<FastifyReply> {
  const rows = await started(options.rows);
  reply.header('content-disposition', `attachment; filename="${safeFileName(`${options.fileName}.${options.format}`)}"`);
  reply.type(EXPORT_CONTENT_TYPES[options.format]);
  if (options.format === 'csv') return reply.send(Readable.from(csvChunks(options.columns, rows)));
  const out = new PassThrough();
  writeXlsx(options.columns, rows, out, options.sheetName).catch((error: unknown) => {
    reply.log.error({ err: error }, 'export failed');
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return reply.send(out);
}

/**
 * Rows read a page at a time by keyset: fetchPage gets the last row of the page before (undefined
 * for the first) and returns up to pageSize rows after it, in a stable order. Only one page is
 * held at once, however many rows there are. Put fetchPage in the feature's queries.
 */
export async function* keysetRows<Row>(fetchPage: (after: Row | undefined, limit: number) => Promise<Row[]>, pageSize = 1000): AsyncGenerator<Row> {
  let after: Row | undefined;
  for (;;) {
    const page = await fetchPage(after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1);
  }
}
