// The form kit's parser: a zod schema and a posted body give either the typed data, or what a
// GOV.UK page needs to show the form again: the values as typed (strings only, cut to a safe
// length), each field's error, and the error summary's list in the page's order.
import type { z } from 'zod';
import { fieldErrors } from '../http/form-errors.ts';

export type FormFailure = {
  ok: false;
  values: Record<string, string | string[]>;
  errors: Record<string, { text: string }>;
  errorList: { text: string; href: string }[];
};
export type FormResult<T> = { ok: true; data: T } | FormFailure;

/** What was typed, to show again with the errors: strings only, never the CSRF token. */
export function typedValues(body: unknown, maxLength = 2000, maxItems = 1000): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    out[k] = Array.isArray(v) ? v.slice(0, maxItems).map((x) => String(x).slice(0, maxLength)) : String(v).slice(0, maxLength);
  }
  return out;
}

/**
 * Parses a body with a schema. `order` puts the error summary in the order of the fields on the
 * page; `anchors` maps a field to the id its summary link points at, when that is not its name.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, options: { order?: string[]; anchors?: Record<string, string> } = {}): FormResult<z.output<S>> {
  const input = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const { byField, list } = fieldErrors(parsed.error, options.order);
  return {
    ok: false,
    values: typedValues(body),
    errors: byField,
    errorList: list.map((e) => ({ ...e, href: `#${options.anchors?.[e.href.slice(1)] ?? e.href.slice(1)}` })),
  };
}
