import type { Config } from '../../config.ts';

// The __Host- prefix pins a cookie to this host and path "/", with Secure. Browsers accept Secure
// cookies from http://localhost, so only plain-http development on another host goes without it.
export function cookieName(name: string, config: Config): string {
  return config.secureCookies ? `__Host-coproduce-${name}` : `coproduce-${name}`;
}
