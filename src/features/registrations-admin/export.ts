// CSV (RFC 4180) and XLSX of exactly the filtered list.
import ExcelJS from 'exceljs';
import { bandLabel, roleGroupLabel, serviceLabel, STATUS_LABELS } from '../registration/options.ts';

export const EXPORT_HEADERS = [
  'Reference', 'Status', 'Came by', 'Full name', 'Email', 'Organisation', 'Department or site', 'Nation', 'NHS England region',
  'Type of service', 'Job title', 'Role group', 'Pay band', 'Aims', 'How they would like to take part', 'Adjustments', 'Email confirmed', 'Registered',
];

type ExportRow = {
  reference: string; status: string; channel: string; full_name: string; email: string; organisation_name: string; department: string | null;
  nation: string | null; region: string | null; service_type: string | null; service_other: string | null; job_title: string; role_group: string | null;
  role_other: string | null; afc_band: string | null; aims: number[]; participation: string; adjustments: string | null; email_confirmed_at: string | null; created_at: string;
};

export function exportCells(r: ExportRow): string[] {
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
    r.participation.split(',').filter(Boolean).join(', '),
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

export function csvLine(cells: string[]): string {
  return `${cells.map((c) => {
    const v = defuse(c);
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',')}\r\n`;
}

export async function toXlsx(rows: AsyncIterable<ExportRow>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Registrations');
  sheet.addRow(EXPORT_HEADERS).font = { bold: true };
  for await (const r of rows) sheet.addRow(exportCells(r).map(defuse));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
