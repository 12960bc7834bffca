// CSV (RFC 4180) and XLSX of exactly the filtered list, written row by row as the rows are read.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { bandLabel, roleGroupLabel, serviceLabel, STATUS_LABELS } from '../options.ts';
import type { ExportRow } from './queries.ts';

export const EXPORT_HEADERS = [
  'Reference', 'Status', 'Came by', 'Full name', 'Email', 'Organisation', 'Department or site', 'Nation', 'NHS England region',
  'Type of service', 'Job title', 'Role group', 'Pay band', 'Aims', 'How they would like to take part', 'Adjustments', 'Email confirmed at', 'Registered at',
];

/** Words for stored keys that live in the programme's own data rather than in code. */
export type Labels = { methods: Map<string, string> };

type CellSource = Pick<ExportRow, 'reference' | 'status' | 'channel' | 'full_name' | 'email' | 'organisation_name' | 'department' | 'nation' | 'region' | 'service_type' | 'service_other' | 'job_title' | 'role_group' | 'role_other' | 'afc_band' | 'aims' | 'participation' | 'adjustments' | 'email_confirmed_at' | 'created_at'>;

export function exportCells(r: CellSource, labels: Labels = { methods: new Map() }): string[] {
  return [
    r.reference,
    STATUS_LABELS[r.status] ?? r.status,
    r.channel === 'email' ? 'Email' : 'Web form',
    r.full_name,
    r.email,
    r.organisation_name,
    r.department ?? '',
    r.nation ?? '',
    r.region ?? '',
    r.service_type === 'other' ? `Other: ${r.service_other ?? ''}` : serviceLabel(r.service_type),
    r.job_title,
    r.role_group === 'other' ? `Other: ${r.role_other ?? ''}` : roleGroupLabel(r.role_group),
    r.afc_band ? bandLabel(r.afc_band) : '',
    r.aims.join(', '),
    r.participation.split(',').filter(Boolean).map((key) => labels.methods.get(key) ?? key).join(', '),
    r.adjustments ?? '',
    r.email_confirmed_at ?? '',
    r.created_at,
  ];
}

// A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheet programs; a leading
// apostrophe makes it plain text. Registrants type these fields, so they are never trusted.
export function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One RFC 4180 record: CRLF-terminated; fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(cells: string[]): string {
  return `${cells
    .map((c) => {
      const v = defuse(c);
      return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',')}\r\n`;
}

/** The CSV, a record at a time. The byte-order mark makes Excel read it as UTF-8. */
export async function* csvStream(rows: AsyncIterable<ExportRow>, labels: Labels): AsyncGenerator<string> {
  let chunk = `\uFEFF${csvLine(EXPORT_HEADERS)}`;
  for await (const r of rows) {
    chunk += csvLine(exportCells(r, labels));
    // Fewer, larger writes: one per hundred or so records.
    if (chunk.length > 32_768) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/**
 * The workbook, streamed to out. Cells are written as text, which Excel never evaluates, so they
 * keep exactly what was typed; the CSV needs the apostrophe guard because it has no cell types.
 */
export async function writeXlsx(rows: AsyncIterable<ExportRow>, labels: Labels, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Registrations', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_HEADERS.map((header) => ({ header, width: Math.max(12, header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const r of rows) sheet.addRow(exportCells(r, labels)).commit();
  sheet.commit();
  await workbook.commit();
}
