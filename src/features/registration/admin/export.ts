// The registrations exports: exactly the filtered list, as CSV or XLSX through the platform's
// export module (which streams them and guards against formulas). This file only says the columns.
import { csvLine, spreadsheetDateTime, type Column } from '../../../platform/export/export.ts';
import { bandLabel, roleGroupLabel, serviceLabel, STATUS_LABELS } from '../options.ts';
import type { ExportRow } from './queries.ts';

/**
 * Words for stored keys that live in the programme's own data rather than in code: ways to take
 * part by key, aims by number, and each participant's projects and sub-groups by person.
 */
export type Labels = { methods: Map<string, string>; aims?: Map<number, string>; groups?: Map<number, string> };

/** "1 December 2026 09:30", London time, for an ISO instant: what a spreadsheet reader expects. */
export const exportDateTime = (iso: string | null): string => spreadsheetDateTime(iso);

type CellSource = Pick<ExportRow, 'reference' | 'status' | 'channel' | 'full_name' | 'email' | 'organisation_name' | 'department' | 'nation' | 'region' | 'service_type' | 'service_other' | 'job_title' | 'role_group' | 'role_other' | 'afc_band' | 'aims' | 'participation' | 'adjustments' | 'email_confirmed_at' | 'consent_at' | 'created_at' | 'person_id' | 'contact_name' | 'contact_email'> & { ods_code?: string | null };

/** The columns of both exports, in order. */
export function registrationColumns(labels: Labels = { methods: new Map() }): Column<CellSource>[] {
  return [
    { header: 'Reference', value: (r) => r.reference },
    { header: 'Status', value: (r) => STATUS_LABELS[r.status] ?? r.status },
    { header: 'Came by', value: (r) => (r.channel === 'email' ? 'Email' : 'Web form') },
    { header: 'Full name', value: (r) => r.full_name },
    { header: 'Email', value: (r) => r.email },
    // Someone registered on their behalf is reached through their contact until they have an address.
    { header: 'Registered on their behalf by', value: (r) => r.contact_name },
    { header: 'Contact email', value: (r) => r.contact_email },
    { header: 'Organisation', value: (r) => r.organisation_name },
    { header: 'Department or site', value: (r) => r.department },
    { header: 'Nation', value: (r) => r.nation },
    { header: 'NHS England region', value: (r) => r.region },
    { header: 'Type of service', value: (r) => (r.service_type === 'other' ? `Other: ${r.service_other ?? ''}` : serviceLabel(r.service_type)) },
    { header: 'Job title', value: (r) => r.job_title },
    { header: 'Role group', value: (r) => (r.role_group === 'other' ? `Other: ${r.role_other ?? ''}` : roleGroupLabel(r.role_group)) },
    { header: 'Pay band', value: (r) => (r.afc_band ? bandLabel(r.afc_band) : '') },
    { header: 'Aims', value: (r) => r.aims.map((n) => `Aim ${n}${labels.aims?.has(n) ? `: ${labels.aims.get(n)}` : ''}`).join('; ') },
    { header: 'How they would like to take part', value: (r) => r.participation.split(',').filter(Boolean).map((key) => labels.methods.get(key) ?? key).join(', ') },
    { header: 'Adjustments', value: (r) => r.adjustments },
    { header: 'Email confirmed', value: (r) => exportDateTime(r.email_confirmed_at) },
    { header: 'Consent given', value: (r) => exportDateTime(r.consent_at) },
    { header: 'Registered', value: (r) => exportDateTime(r.created_at) },
    { header: 'ODS code', value: (r) => r.ods_code },
    { header: 'Groups', value: (r) => (r.person_id !== null && labels.groups?.get(r.person_id)) || '' },
  ];
}

export const EXPORT_HEADERS = registrationColumns().map((c) => c.header);

export { csvLine };
