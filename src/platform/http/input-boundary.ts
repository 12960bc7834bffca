// The input boundary, once for every route: which request bodies are read at all, and which
// characters any route may ever see in a form field, query string or path parameter.
import type { FastifyInstance } from 'fastify';

// C0 control characters and DEL, except tab, line feed and carriage return, which multi-line
// answers need. None of them can be typed into a form, and PostgreSQL refuses NUL in text (a 500,
// and a corrupt export wherever one got stored). Each becomes U+FFFD, the character that already
// stands for input that could not be read (bytes that were not UTF-8 decode to it): every text
// answer checked with textField (form-fields.ts) is then refused with its field's own message,
// and anything else (a search, a token) can no longer carry a control character anywhere.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
const UNREADABLE_MARK = '\uFFFD';

/** The value with each control character replaced by U+FFFD in every string in it (objects and arrays too). */
export function markControlCharacters<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(CONTROLS, UNREADABLE_MARK) as T;
  // Form bodies and query strings are flat (a name to a string or a list of strings); the depth
  // limit only guards against anything deeper that a later parser might produce.
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => markControlCharacters(v, depth + 1)) as T;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k.replace(CONTROLS, UNREADABLE_MARK)] = markControlCharacters(v, depth + 1);
  return out as T;
}

function needsMarking(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => CONTROL.test(k) || needsMarking(v, depth + 1));
}

export function registerInputBoundary(app: FastifyInstance): void {
  // Every form here sends application/x-www-form-urlencoded (@fastify/formbody reads it, flat:
  // no nesting). No route takes JSON or plain text, so Fastify's own parsers for them go: any
  // other content type is answered 415 with the normal error page (errors.ts) before a route or
  // its hooks run, so no handler ever meets a nested object where its form has text.
  app.removeContentTypeParser(['application/json', 'text/plain']);

  // After the body is parsed, before validation, the CSRF check, rate limits and the handler.
  app.addHook('preValidation', async (request) => {
    if (needsMarking(request.query)) request.query = markControlCharacters(request.query);
    if (needsMarking(request.body)) request.body = markControlCharacters(request.body);
    if (needsMarking(request.params)) request.params = markControlCharacters(request.params);
  });
}
