import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: references are read out over the phone and typed from paper.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A reference like "REG-7K3M-9QXA": 31^8 ≈ 8.5 × 10^11 values, checked for uniqueness on insert. */
export function newReference(): string {
  const part = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `REG-${part()}-${part()}`;
}
