// A project's and a sub-group's meetings (for its members, its leads and admins), and the
// programme's calendar of meetings by month (admins).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { idParams, oneText, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { groupMeetings, monthCalendar, parseMonth, thisMonth, visibleGroup, type GroupRef } from './service.ts';

const V = 'features/meetings/lists/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const idParam = idParams;
const monthQuery = z.object({ month: oneText(40) });

const BAD_MONTH = 'Enter the month as the year and the month, for example 2027-03';

export function listsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;

  const groupPage = async (request: FastifyRequest, reply: FastifyReply, group: GroupRef) => {
    const programme = await request.programme();
    const found = programme && (await visibleGroup(db, request.user, programme.id, group));
    if (!programme || !found) return sendErrorPage(request, reply, 404);
    const lists = await groupMeetings(db, request.user, programme.id, group, clock);
    const kindName = group.kind === 'project' ? 'project' : 'sub-group';
    return reply.view(`${V}/group.njk`, { pageTitle: `Meetings of ${found.name}`, group: found, kindName, ...lists });
  };

  app.get('/meetings/project/:id', { ...signedIn, schema: { params: idParam } }, (request, reply) => groupPage(request, reply, { kind: 'project', id: request.params.id }));
  app.get('/meetings/subgroup/:id', { ...signedIn, schema: { params: idParam } }, (request, reply) => groupPage(request, reply, { kind: 'subgroup', id: request.params.id }));

  app.get('/meetings/calendar', { config: onlyRoles('admin'), schema: { querystring: monthQuery } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const typed = request.query.month;
    const month = typed === undefined || typed.trim() === '' ? thisMonth(clock) : parseMonth(typed);
    if (!month) {
      // A month that cannot be read: say so beside the box to type another, and offer this month.
      const error = { text: BAD_MONTH };
      return reply.code(400).view(`${V}/calendar.njk`, { pageTitle: 'Meetings calendar', typed, errors: { month: error }, errorList: [{ text: BAD_MONTH, href: '#month' }], current: thisMonth(clock) });
    }
    const calendar = await monthCalendar(db, programme.id, month);
    return reply.view(`${V}/calendar.njk`, { pageTitle: `Meetings calendar: ${calendar.label}`, calendar, typed: month, errors: {}, current: thisMonth(clock) });
  });
}
