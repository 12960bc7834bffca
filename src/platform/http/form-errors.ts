// Turns a zod error into what the GOV.UK error summary and inline errors need.
import type { z } from 'zod';

export type FieldErrors = { byField: Record<string, { text: string }>; list: { text: string; href: string }[] };

export function fieldErrors(error: z.ZodError, order: string[] = []): FieldErrors {
  const byField: Record<string, { text: string }> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    // Missing or wrongly typed fields get the field's own "Enter ..." message from the schema.
    byField[field] ??= { text: issue.message };
  }
  const fields = Object.keys(byField).sort((a, b) => rank(order, a) - rank(order, b));
  return { byField, list: fields.map((f) => ({ text: byField[f]!.text, href: `#${f}` })) };
}

function rank(order: string[], field: string): number {
  const i = order.indexOf(field);
  return i === -1 ? order.length : i;
}
