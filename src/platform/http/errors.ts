// Every error becomes a GOV.UK-style page (or JSON for JSON clients) with the right status;
// never a stack trace. Unexpected errors are logged without request bodies.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type ErrorPage = { title: string; heading: string; paragraphs: string[] };

const PAGES: Record<number, ErrorPage> = {
  400: { title: 'Something was wrong with the request', heading: 'Sorry, there is a problem with that request', paragraphs: ['Go back and try again. If it keeps happening, contact the programme team.'] },
  403: { title: 'You cannot do that', heading: 'You do not have permission to do that', paragraphs: ['If you followed a link or sent a form, it may have expired. Go back, refresh the page and try again.', 'If you think you should have access, contact the programme team.'] },
  404: { title: 'Page not found', heading: 'Page not found', paragraphs: ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.'] },
  413: { title: 'Too much was sent', heading: 'What you sent was too large', paragraphs: ['Shorten your answer, or send a smaller file, and try again.'] },
  415: { title: 'Form not accepted', heading: 'What you sent could not be read', paragraphs: ['Use the form on this website: go back, refresh the page and try again.'] },
  429: { title: 'Too many requests', heading: 'Sorry, you have tried too many times', paragraphs: ['Wait a few minutes, then try again.'] },
  503: { title: 'That took too long', heading: 'Sorry, that took too long', paragraphs: ['The service is busy or what you asked for is very large. Try again in a minute, or ask for less at once (for example, a narrower filter).', 'Nothing you saved before this has been lost.'] },
  500: { title: 'Sorry, there is a problem with the service', heading: 'Sorry, there is a problem with the service', paragraphs: ['Try again later. Nothing you saved before this has been lost.'] },
};

export function pageFor(status: number): ErrorPage {
  return PAGES[status] ?? (status >= 500 ? PAGES[500]! : PAGES[400]!);
}

export async function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number): Promise<FastifyReply> {
  const page = pageFor(status);
  reply.code(status);
  if (!request.headers.accept?.includes('text/html') && request.headers.accept?.includes('application/json')) {
    return reply.send({ statusCode: status, error: page.title });
  }
  return reply.view('error.njk', { pageTitle: page.title, heading: page.heading, paragraphs: page.paragraphs, showSignIn: status === 403 && !request.user });
}

/** PostgreSQL's "canceling statement due to statement timeout": the request asked too much, the service is not broken. */
const STATEMENT_TIMEOUT = '57014';

function statusOf(error: FastifyError): number {
  if (error.code?.startsWith('FST_CSRF')) return 403;
  if (error.code === STATEMENT_TIMEOUT) return 503;
  // A path that names something that cannot exist (/registrations/abc) is not found.
  if (error.validation || error.code === 'FST_ERR_VALIDATION') return error.validationContext === 'params' ? 404 : 400;
  const s = error.statusCode ?? 500;
  return s >= 400 && s < 600 ? s : 500;
}

export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendErrorPage(request, reply, 404));
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, 'request refused');
    try {
      return await sendErrorPage(request, reply, status);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'error page failed');
      return reply.code(status).type('text/plain').send(pageFor(status).heading);
    }
  });
}
