// The registrations list's filters and sort, read from the query string. A value that is not
// one of the choices is dropped (and the page says so), never an error.
import { z } from 'zod';
import { REGISTRATION_STATUSES } from '../tables.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';

export const SORTS = { name: 'full_name', created: 'created_at', status: 'status', organisation: 'organisation_name' } as const;
export type SortKey = keyof typeof SORTS;

/** The filters' names as the page shows them, for the "ignored" message. */
export const FILTER_LABELS: Record<string, string> = {
  status: 'status', roleGroup: 'role group', service: 'type of service', nation: 'nation', region: 'region', aim: 'aim',
  channel: 'came by', q: 'search', sort: 'sort', dir: 'sort direction', page: 'page',
};

const oneOf = (values: readonly string[]) => z.string().refine((v) => values.includes(v));
/** Each filter's check, in the order links spell them; the sort, its direction and the page have defaults. */
const filtersSchema = z.object({
  status: oneOf(REGISTRATION_STATUSES).optional(),
  roleGroup: oneOf(ROLE_GROUPS.map((r) => r.value)).optional(),
  service: oneOf(SERVICE_TYPES.map((s) => s.value)).optional(),
  nation: oneOf(NATIONS).optional(),
  region: oneOf(ENGLAND_REGIONS).optional(),
  aim: z.coerce.number().int().min(1).max(99).optional(),
  channel: oneOf(['web', 'email']).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(['name', 'created', 'status', 'organisation'] satisfies SortKey[]).default('created'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type Filters = z.output<typeof filtersSchema>;
const KEYS = filtersSchema.keyof().options;

/** A query string as Fastify reads it: each name a string, or a list of them when repeated. */
const queryObject = z.record(z.string(), z.unknown()).catch({});

export function parseFilters(query: unknown): { filters: Filters; ignored: string[] } {
  const input = queryObject.parse(query);
  const kept: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const key of KEYS) {
    const raw = input[key];
    const value: unknown = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === '') continue;
    const parsed = filtersSchema.shape[key].safeParse(value);
    if (parsed.success) kept[key] = parsed.data;
    else ignored.push(key);
  }
  return { filters: filtersSchema.parse(kept), ignored };
}

/** The list's query string as a route schema: the filters, and which were ignored (never a 400). */
export const filtersQuery = z.unknown().transform(parseFilters);

/** The query string for these filters, optionally changed (for sort links, pages and exports). */
export function toQuery(filters: Filters, change: Partial<Filters> = {}): string {
  const f: Filters = { ...filters, ...change };
  const p = new URLSearchParams();
  for (const key of KEYS) {
    const v = f[key];
    // Defaults are left out, so links stay short and equal whether or not they were spelled out.
    if (v === undefined || v === '' || (key === 'page' && v === 1) || (key === 'sort' && v === 'created') || (key === 'dir' && v === 'desc')) continue;
    p.set(key, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
