// CSV (RFC 4180) and XLSX of exactly the filtered list, written row by row as the rows are read.
import type { Writable } from 'node:stream';
import { bandLabel, roleGroupLabel, serviceLabel, STATUS_LABELS } from '../options.ts';
import type { ExportRow } from './queries.ts';

export const EXPORT_HEADERS = [
  'Reference', 'Status', 'Came by', 'Full name', 'Email', 'Organisation', 'Department or site', 'Nation', 'NHS England region',
  'Type of service', 'Job title', 'Role group', 'Pay band', 'Aims', 'How they would like to take part', 'Adjustments', 'Email confirmed', 'Consent given', 'Registered',
  'ODS code', 'Groups',
];

/**
 * Words for stored keys that live in the programme's own data rather than in code: ways to take
 * part by key, aims by number, and each participant's projects and sub-groups by person.
 */
export type Labels = { methods: Map<string, string>; aims?: Map<number, string>; groups?: Map<number, string> };

const londonParts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "1 December 2026 09:30", London time, for an ISO instant: what a spreadsheet reader expects. */
export function exportDateTime(iso: string | null): string {
  if (!iso) return '';
  const p = Object.fromEntries(londonParts.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`;
}

type CellSource = Pick<ExportRow, 'reference' | 'status' | 'channel' | 'full_name' | 'email' | 'organisation_name' | 'department' | 'nation' | 'region' | 'service_type' | 'service_other' | 'job_title' | 'role_group' | 'role_other' | 'afc_band' | 'aims' | 'participation' | 'adjustments' | 'email_confirmed_at' | 'consent_at' | 'created_at' | 'person_id'> & { ods_code?: string | null };

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
    r.aims.map((n) => `Aim ${n}${labels.aims?.has(n) ? `: ${labels.aims.get(n)}` : ''}`).join('; '),
    r.participation.split(',').filter(Boolean).map((key) => labels.methods.get(key) ?? key).join(', '),
    r.adjustments ?? '',
    exportDateTime(r.email_confirmed_at),
    exportDateTime(r.consent_at),
    exportDateTime(r.created_at),
    r.ods_code ?? '',
    (r.person_id !== null && labels.groups?.get(r.person_id)) || '',
  ];
}

// A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheet programs; a leading
// apostrophe makes it plain text. Registrants type these fields, so they are never trusted.
export function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * One RFC 4180 record: CRLF-terminated; fields with a comma, quote or line break are quoted, quotes
 * doubled. So are fields with a semicolon, the separator where Excel's list separator is one.
 */
export function csvLine(cells: string[]): string {
  return `${cells
    .map((c) => {
      const v = defuse(c);
      return /[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
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
  // Loaded when a workbook is asked for: exceljs costs about 0.4 s of every start otherwise.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Registrations', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_HEADERS.map((header) => ({ header, width: Math.max(12, header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const r of rows) sheet.addRow(exportCells(r, labels)).commit();
  sheet.commit();
  await workbook.commit();
}
