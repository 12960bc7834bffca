// The cookies the service sets, as the cookies page lists them: the real names (which depend on
// whether cookies are Secure, with the __Host- prefix), what each is for and how long it lasts.
// site.test.ts walks the site and checks this list against the Set-Cookie headers it gets.
import type { AppDeps } from '../../platform/http/request-context.ts';
import { sessionCookieName } from '../../platform/auth/session-hook.ts';
import { ABSOLUTE_DAYS, IDLE_MINUTES } from '../../platform/auth/sessions.ts';
import { cookieName } from '../../platform/http/cookies.ts';
import { DRAFT_HOURS } from '../registration/service.ts';

export type CookieDescription = { name: string; purpose: string; lifetime: string };

export function cookiesSet(deps: AppDeps): CookieDescription[] {
  const hours = IDLE_MINUTES % 60 === 0 ? `${IDLE_MINUTES / 60} hours` : `${IDLE_MINUTES} minutes`;
  return [
    {
      name: sessionCookieName(deps),
      purpose: 'Keeps you signed in. Set when you sign in.',
      lifetime: `When you close your browser. Your sign-in ends sooner if you sign out, after ${hours} without using the service, or ${ABSOLUTE_DAYS} days after you signed in.`,
    },
    {
      name: cookieName('csrf', deps.config),
      purpose: 'Stops other websites sending forms in your name. Set when you open a page with a form.',
      lifetime: 'When you close your browser.',
    },
    {
      name: cookieName('registration', deps.config),
      purpose: 'Remembers your answers while you register your interest. Set when you answer the first question.',
      lifetime: `When you send your registration or close your browser. Answers you never sent are deleted after ${DRAFT_HOURS} hours.`,
    },
    {
      name: cookieName('flash', deps.config),
      purpose: 'Carries a short message, such as “Sub-group saved.”, to the next page you see after sending a form.',
      lifetime: 'One minute, or until that page is shown.',
    },
  ];
}
