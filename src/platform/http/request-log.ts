// What a request's log lines say about it: the method and the route's pattern
// ("/sign-in/:token"), never the address as sent. Addresses carry sign-in and confirmation
// tokens and the team's searches (names, emails): personal data and live secrets.
import type { FastifyReply, FastifyRequest } from 'fastify';

const requestLogSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, route: request.routeOptions?.url ?? '(no route)' };
  },
  res(reply: FastifyReply) {
    return { statusCode: reply.statusCode };
  },
};

/** The app's logger options with these serializers, whatever the caller asked for. */
export function loggerOptions(logger: boolean | object | undefined): false | object {
  if (!logger) return false;
  return { ...(typeof logger === 'object' ? logger : {}), serializers: requestLogSerializers };
}
