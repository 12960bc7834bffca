// Development only, when no SMTP_URL is set and the server listens on loopback: emails stay in
// the outbox and can be read here.
import type { FastifyInstance } from 'fastify';
import { idParams } from '../http/zod-schemas.ts';
import type { AppDeps } from '../http/request-context.ts';
import { sendErrorPage } from '../http/errors.ts';

const V = 'platform/mail/views';

/** See Config.devMail: development only, and only where nobody else can reach it. */
export function devMailEnabled(deps: AppDeps): boolean {
  return deps.config.devMail;
}

export function devMailRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  app.get('/dev/mail', async (_request, reply) => {
    const messages = await db.selectFrom('outbox').select(['id', 'to_address', 'subject', 'created_at']).orderBy('id', 'desc').limit(100).execute();
    return reply.view(`${V}/dev-list.njk`, { pageTitle: 'Development mail', messages });
  });
  app.get('/dev/mail/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const message = params.success ? await db.selectFrom('outbox').selectAll().where('id', '=', params.data.id).executeTakeFirst() : undefined;
    if (!message) return sendErrorPage(request, reply, 404);
    // Links become clickable so a developer can follow a sign-in link; all text stays escaped.
    const segments = message.text_body.split(/(https?:\/\/\S+)/).map((part, i) => (i % 2 ? { link: part } : { text: part }));
    return reply.view(`${V}/dev-message.njk`, { pageTitle: `Email: ${message.subject}`, message, segments });
  });
}
