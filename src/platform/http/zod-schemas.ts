// zod for every route's params, query string and body: a route declares
// `schema: { params, querystring, body }` with zod schemas and gets typed `request.params` etc.
// A bad path parameter is a page that does not exist (404); a bad query string or body is a 400,
// both as the normal error page (see errors.ts). A dozen lines rather than a package: the
// published type providers also bring an OpenAPI generator and its peers, which we do not use.
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';

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
