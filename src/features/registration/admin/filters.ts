// The registrations list's filters and sort, read from the query string. A value that is not
// one of the choices is dropped (and the page says so), never an error.
import { z } from 'zod';
import { REGISTRATION_STATUSES } from '../tables.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';

export const SORTS = { name: 'full_name', created: 'created_at', status: 'status', organisation: 'organisation_name' } as const;
export type SortKey = keyof typeof SORTS;

export type Filters = {
  status?: string;
  roleGroup?: string;
  service?: string;
  nation?: string;
  region?: string;
  aim?: number;
  channel?: string;
  q?: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
};

/** The filters' names as the page shows them, for the "ignored" message. */
export const FILTER_LABELS: Record<string, string> = {
  status: 'status', roleGroup: 'role group', service: 'type of service', nation: 'nation', region: 'region', aim: 'aim',
  channel: 'came by', q: 'search', sort: 'sort', dir: 'sort direction', page: 'page',
};

const oneOf = (values: readonly string[]) => z.string().refine((v) => values.includes(v));
const shape = {
  status: oneOf(REGISTRATION_STATUSES),
  roleGroup: oneOf(ROLE_GROUPS.map((r) => r.value)),
  service: oneOf(SERVICE_TYPES.map((s) => s.value)),
  nation: oneOf(NATIONS),
  region: oneOf(ENGLAND_REGIONS),
  aim: z.coerce.number().int().min(1).max(99),
  channel: oneOf(['web', 'email']),
  q: z.string().trim().min(1).max(200),
  sort: oneOf(Object.keys(SORTS)),
  dir: oneOf(['asc', 'desc']),
  page: z.coerce.number().int().min(1).max(100_000),
};

export function parseFilters(query: unknown): { filters: Filters; ignored: string[] } {
  const input = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const raw = input[key];
    if (raw === undefined || raw === '') continue;
    const parsed = (schema as z.ZodType).safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (parsed.success) out[key] = parsed.data;
    else ignored.push(key);
  }
  return {
    filters: { sort: 'created', dir: 'desc', page: 1, ...out } as Filters,
    ignored,
  };
}

/** The query string for these filters, optionally changed (for sort links, pages and exports). */
export function toQuery(filters: Filters, change: Partial<Filters> = {}): string {
  const f = { ...filters, ...change } as Record<string, unknown>;
  const p = new URLSearchParams();
  for (const key of Object.keys(shape)) {
    const v = f[key];
    // Defaults are left out, so links stay short and equal whether or not they were spelled out.
    if (v === undefined || v === '' || (key === 'page' && v === 1) || (key === 'sort' && v === 'created') || (key === 'dir' && v === 'desc')) continue;
    p.set(key, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
