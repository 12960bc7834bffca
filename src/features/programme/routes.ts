import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { endOfLondonDay, londonDate, startOfLondonDay } from '../../platform/time.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { flag, formBody, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { findProgramme, getProgrammeOverview, registrationWindow, setRegistrationWindow } from './service.ts';

/** One field of a posted form as text: a repeated name (two fields of one name) reads as not given. */
const fieldText = (body: Record<string, string | string[]>, name: string): string => {
  const v = body[name];
  return typeof v === 'string' ? v : '';
};

// A real calendar date from the three GOV.UK date fields.
function dateFrom(body: Record<string, string | string[]>, prefix: string): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => fieldText(body, `${prefix}-${p}`).trim());
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return null;
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}


export function programmeRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const render = async (reply: FastifyReply) => {
    const overview = await getProgrammeOverview(deps.data.db, deps.clock);
    if (!overview) return reply.viewAsync('features/programme/views/empty.njk', { pageTitle: 'Coproduce' });
    return reply.viewAsync('features/programme/views/home.njk', { pageTitle: overview.programme.name, ...overview });
  };

  // Every anonymous visitor sees the same page; "days left" changes with the London date. The
  // page is kept as bytes, encoded once rather than on every request, under the London date,
  // which is worked out again only when the clock leaves that day (either way: tests move it).
  let day = { key: '', from: 0, to: 0 };
  const homeKey = (now: number) => {
    if (now < day.from || now >= day.to) {
      const date = londonDate(new Date(now));
      day = { key: `home:${date}`, from: startOfLondonDay(date).getTime(), to: endOfLondonDay(date).getTime() };
    }
    return day.key;
  };

  app.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    if (request.user) return reply.send(await render(reply));
    const now = deps.clock().getTime();
    return reply.send(await app.sharedCache.get(homeKey(now), now, async () => Buffer.from(await render(reply))));
  });

  const settingsView = 'features/programme/views/registration-window.njk';
  const parts = (iso: string) => ({ day: String(Number(iso.slice(8, 10))), month: String(Number(iso.slice(5, 7))), year: iso.slice(0, 4) });

  app.get('/admin/registration-window', { config: onlyRoles('admin'), schema: { querystring: z.object({ saved: flag() }) } }, async (request, reply) => {
    const programme = await findProgramme(deps.data.db);
    if (!programme) return sendErrorPage(request, reply, 404);
    const saved = request.query.saved;
    return reply.view(settingsView, {
      pageTitle: 'Registration window',
      programme,
      window: registrationWindow(programme, deps.clock()),
      opens: parts(programme.registration_opens_on),
      closes: parts(programme.registration_closes_on),
      flash: saved ? 'Registration window saved.' : undefined,
    });
  });

  app.post('/admin/registration-window', { config: onlyRoles('admin'), schema: { body: formBody } }, async (request, reply) => {
    const programme = await findProgramme(deps.data.db);
    if (!programme) return sendErrorPage(request, reply, 404);
    const body = request.body;
    const opensOn = dateFrom(body, 'opens');
    const closesOn = dateFrom(body, 'closes');
    const errors: Record<string, { text: string }> = {};
    if (!opensOn) errors.opens = { text: 'Enter a real date for when registration opens, like 7 5 2024' };
    if (!closesOn) errors.closes = { text: 'Enter a real date for the last day of registration, like 21 6 2024' };
    if (opensOn && closesOn && closesOn < opensOn) errors.closes = { text: 'The last day must be the same as or after the day registration opens' };
    if (Object.keys(errors).length) {
      const typed = (p: string) => ({ day: fieldText(body, `${p}-day`).slice(0, 4), month: fieldText(body, `${p}-month`).slice(0, 4), year: fieldText(body, `${p}-year`).slice(0, 6) });
      return reply.code(400).view(settingsView, {
        pageTitle: 'Registration window',
        programme,
        window: registrationWindow(programme, deps.clock()),
        opens: typed('opens'),
        closes: typed('closes'),
        errors,
        errorList: Object.entries(errors).map(([k, v]) => ({ text: v.text, href: `#${k}-day` })),
      });
    }
    await setRegistrationWindow(deps.data.db, request.user!.id, programme.id, opensOn!, closesOn!, deps.clock);
    app.sharedCache.clear();
    return reply.redirect('/admin/registration-window?saved=1');
  });
}
