// @mentions in a post's plain text: "@Amy Archer" names the active person whose whole name follows
// the @ (the longest name that fits, so "@Amy Archer" is not taken for an "Amy"). This is what
// works without JavaScript; with it, assets/js/mentions.mjs lists names as you type (service.ts
// mentionable) and writes the same "@Full Name" into the text.
import { peopleNamed } from './queries.ts';
import type { DiscussionsDb } from './tables.ts';
import type { Role } from '../../platform/db/schema.ts';

const AT = /(^|[^\p{L}\p{N}@])@(\p{L}[\p{L}'’-]*)/gu;
const LETTER = /[\p{L}\p{N}]/u;

export type Mentioned = { id: number; name: string; role: Role };

export async function mentionedIn(db: DiscussionsDb, text: string): Promise<Mentioned[]> {
  const found = new Map<number, Mentioned>();
  const candidates = new Map<string, Mentioned[]>();
  for (const m of text.matchAll(AT)) {
    const word = m[2]!;
    const key = word.toLowerCase();
    if (!candidates.has(key)) candidates.set(key, (await peopleNamed(db, word)).map((p) => ({ id: p.id, name: p.name, role: p.role })));
    const after = text.slice(m.index + m[1]!.length + 1).toLowerCase();
    let best: Mentioned | undefined;
    for (const p of candidates.get(key)!) {
      const name = p.name.toLowerCase();
      if (!after.startsWith(name) || LETTER.test(after.charAt(name.length))) continue;
      if (!best || p.name.length > best.name.length) best = p;
    }
    if (best) found.set(best.id, best);
    if (found.size >= 20) break;
  }
  return [...found.values()];
}
