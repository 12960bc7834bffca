import type { Clock } from '../../src/platform/time.ts';

export type TestClock = Clock & { set(at: Date | string): void; advance(ms: number): void };

/** A clock that stands still until a test moves it. */
export function testClock(start: Date | string = '2026-03-10T12:00:00Z'): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (at) => (now = new Date(at));
  clock.advance = (ms) => (now = new Date(now.getTime() + ms));
  return clock;
}
