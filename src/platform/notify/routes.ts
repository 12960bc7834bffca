// The person's notification settings ("Your account" > notifications) and the unsubscribe link
// that every non-essential email carries. Unsubscribing needs no sign-in: the signed token in the
// link says who and what. Opening the link only asks (a mail scanner following links must not
// unsubscribe anyone); the button, or a mail client's one-click POST (RFC 8058), does it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ANY_SIGNED_IN } from '../auth/guards.ts';
import { inTransaction } from '../db/database.ts';
import { sendErrorPage } from '../http/errors.ts';
import type { AppDeps } from '../http/request-context.ts';
import { formBody, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { labelInSentence, notificationKind } from './kinds.ts';
import { choicesOf, setPreferences, SETTINGS_PATH } from './notify.ts';
import { DELIVERIES, type Delivery } from './tables.ts';
import { readUnsubscribeToken } from './unsubscribe.ts';

const V = 'platform/notify/views';
const tokenParam = z.object({ token: z.string().min(10).max(300) });
const savedQuery = z.object({ saved: z.literal('1').optional().catch(undefined) }).catch({});

export const DELIVERY_LABELS: Record<Delivery, string> = {
  immediately: 'Straight away',
  daily: 'In a daily summary',
  weekly: 'In a weekly summary',
  off: 'Do not email me',
};

/** What an unsubscribe token stops, in words, or null when the token names nothing we send. */
function whatItStops(kind: string): { label: string; kinds: string | 'digest:daily' | 'digest:weekly' } | null {
  if (kind === 'digest:daily' || kind === 'digest:weekly') return { label: `the ${kind.slice(7)} summary email`, kinds: kind };
  const k = notificationKind(kind);
  if (!k || k.essential) return null;
  return { label: `emails ${labelInSentence(k)}`, kinds: kind };
}

export function notificationRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const secret = deps.config.sessionSecret;

  const settingsPage = async (personId: number, extra: Record<string, unknown> = {}) => {
    const choices = await choicesOf(db, personId);
    return {
      pageTitle: 'Emails you get',
      choosable: choices.filter((c) => !c.kind.essential).map((c) => ({
        name: c.kind.kind,
        label: c.kind.label,
        items: DELIVERIES.map((d) => ({ value: d, text: DELIVERY_LABELS[d], checked: d === c.delivery })),
      })),
      essential: choices.filter((c) => c.kind.essential).map((c) => c.kind.label),
      ...extra,
    };
  };

  app.get(SETTINGS_PATH, { config: { roles: ANY_SIGNED_IN }, schema: { querystring: savedQuery } }, async (request, reply) =>
    reply.view(`${V}/settings.njk`, await settingsPage(request.user!.id, { saved: request.query.saved === '1' })),
  );

  app.post(SETTINGS_PATH, { config: { roles: ANY_SIGNED_IN }, schema: { body: formBody } }, async (request, reply) => {
    const personId = request.user!.id;
    const choices: Record<string, Delivery> = {};
    const errors: { text: string; href: string }[] = [];
    for (const c of await choicesOf(db, personId)) {
      if (c.kind.essential) continue;
      const given = request.body[c.kind.kind];
      if (given === undefined) continue; // not on the form the person saw: leave it as it is
      const value = Array.isArray(given) ? given[0] : given;
      if (DELIVERIES.includes(value as Delivery)) choices[c.kind.kind] = value as Delivery;
      else errors.push({ text: `Choose how you want to hear about: ${c.kind.label.toLowerCase()}`, href: `#${c.kind.kind}` });
    }
    if (errors.length) return reply.code(400).view(`${V}/settings.njk`, await settingsPage(personId, { errorList: errors }));
    await inTransaction(db, (tx) => setPreferences(tx, personId, choices, deps.clock));
    return reply.redirect(`${SETTINGS_PATH}?saved=1`);
  });

  const unsubscribeTarget = (token: string) => {
    const target = readUnsubscribeToken(secret, token);
    const stops = target && whatItStops(target.kind);
    return target && stops ? { ...target, ...stops } : null;
  };

  app.get('/unsubscribe/:token', { schema: { params: tokenParam } }, async (request, reply) => {
    const target = unsubscribeTarget(request.params.token);
    if (!target) return reply.code(404).view(`${V}/unsubscribe-invalid.njk`, { pageTitle: 'This unsubscribe link does not work' });
    return reply.view(`${V}/unsubscribe.njk`, { pageTitle: 'Stop these emails', stops: target.label, token: request.params.token });
  });

  // No CSRF token: the signed link is the proof, and a mail client's one-click POST has no page.
  app.post('/unsubscribe/:token', { config: { csrf: false }, schema: { params: tokenParam, body: formBody } }, async (request, reply) => {
    const target = unsubscribeTarget(request.params.token);
    if (!target) return reply.code(404).view(`${V}/unsubscribe-invalid.njk`, { pageTitle: 'This unsubscribe link does not work' });
    const person = await db.selectFrom('people').select('id').where('id', '=', target.personId).executeTakeFirst();
    if (!person) return sendErrorPage(request, reply, 404);
    await inTransaction(db, async (tx) => {
      if (target.kinds === 'digest:daily' || target.kinds === 'digest:weekly') {
        const period = target.kinds.slice(7);
        const inDigest = (await choicesOf(tx, target.personId)).filter((c) => !c.kind.essential && c.delivery === period);
        await setPreferences(tx, target.personId, Object.fromEntries(inDigest.map((c) => [c.kind.kind, 'off' as const])), deps.clock);
      } else {
        await setPreferences(tx, target.personId, { [target.kinds]: 'off' }, deps.clock);
      }
    });
    if (request.body['List-Unsubscribe'] === 'One-Click') return reply.type('text/plain; charset=utf-8').send('Unsubscribed');
    return reply.view(`${V}/unsubscribed.njk`, { pageTitle: 'You will not get these emails', stops: target.label, settingsPath: SETTINGS_PATH });
  });
}
