// When a participant withdraws from the programme, each feature lets go of them in its own way
// (meetings drop them from meetings to come, freeing their places). The registration feature owns
// withdrawing; it calls personWithdrawn() in its transaction, and the handlers run there, so a
// withdrawal rolled back leaves every feature as it was. Features declare a handler in their
// manifest (onWithdraw); loadFeatures registers it here, as it declares notification kinds.
import type { Tx } from './db/database.ts';
import type { Clock } from './time.ts';

export type WithdrawalHandler = (tx: Tx, personId: number, clock: Clock) => Promise<void>;

const handlers = new Map<string, WithdrawalHandler>();

/** Registers a feature's handler under its name (again: replaced, so loading twice is harmless). */
export function declareWithdrawalHandler(feature: string, handler: WithdrawalHandler): void {
  handlers.set(feature, handler);
}

/** Runs every feature's handler for a person who has just withdrawn, in the caller's transaction. */
export async function personWithdrawn(tx: Tx, personId: number, clock: Clock): Promise<void> {
  for (const handler of handlers.values()) await handler(tx, personId, clock);
}
