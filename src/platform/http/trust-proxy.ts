// Which X-Forwarded-For hops to believe, from TRUST_PROXY (config.ts). request.ip, which the rate
// limits count, is the right-most address that a trusted proxy did not write.
import type { Config } from '../../config.ts';

/** Fastify's trustProxy option for the configured setting. */
export function trustProxyOption(config: Pick<Config, 'trustProxy'>): false | string[] | ((address: string, hop: number) => boolean) {
  const tp = config.trustProxy;
  if (typeof tp !== 'number') return tp;
  // A hop count: the socket's peer and the next tp - 1 addresses, counted from the right, are
  // proxies. (Fastify itself refuses a bare number, because a client that reaches the service
  // directly could then write its own address: set a hop count only when every request comes
  // through the proxies, or name them by address instead.)
  return (_address, hop) => hop < tp;
}
