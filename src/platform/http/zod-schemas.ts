// zod for every route's params, query string and body: a route declares
// `schema: { params, querystring, body }` with zod schemas and gets typed `request.params` etc.
// A bad path parameter is a page that does not exist (404); a bad query string or body is a 400,
// both as the normal error page (see errors.ts). A dozen lines rather than a package: the
// published type providers also bring an OpenAPI generator and its peers, which we do not use.
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import { z } from 'zod';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

const compile: FastifySchemaCompiler<z.ZodType> = ({ schema }) => (data) => {
  const result = schema.safeParse(data);
  return result.success ? { value: result.data } : { error: Object.assign(new Error(result.error.issues[0]?.message ?? 'invalid'), { issues: result.error.issues }) };
};

export function registerZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(compile);
}

/**
 * A posted form as @fastify/formbody reads it: each field a string, or a list of strings when a
 * name is repeated (checkboxes). Anything else reads as an empty form, so the page's own checks
 * (parseForm) say what is missing: a person filling in a form never meets a bare 400.
 */
export const formBody = z.record(z.string(), z.union([z.string(), z.array(z.string())])).catch({});

/**
 * A posted form whose fields each have a schema (give each a `.catch` so that nothing a person
 * can send is a bare 400). Fields it does not name are kept: the CSRF check and the rate limits
 * read the body after validation. A missing body reads as an empty form.
 */
export const formOf = <S extends z.core.$ZodLooseShape>(shape: S) => z.preprocess((v) => v ?? {}, z.looseObject(shape));

/** A flag in a query string or form (`?saved=1`, `confirm=yes`): true only for exactly that value. */
export const flag = (value = '1') => z.unknown().optional().transform((v) => v === value);

/** One text value from a query string or form: the first of a repeated name, cut to `max`; missing or anything else is undefined. */
export const oneText = (max: number) =>
  z.unknown().optional().transform((v) => {
    const first: unknown = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.slice(0, max) : undefined;
  });

/** A row's id in a path or form: a positive whole number that fits the databases' integer column (else the route's 404). */
export const rowId = z.coerce.number().int().positive().max(2 ** 31 - 1);

/** Params of a route with one `:id`. */
export const idParams = z.object({ id: rowId });
