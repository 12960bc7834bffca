// Things that are the same for every visitor and change rarely (the rendered public home page,
// the programme and its answer lists) are computed once and kept for a short time. Each
// instance keeps its own copy; a change made on this instance clears it at once, and the short
// lifetime bounds how stale another instance's copy can be.
export class SharedCache {
  readonly #entries = new Map<string, { value: unknown; expires: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  async get<T>(key: string, now: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value as T;
    const value = await compute();
    // Keys may carry a date, so old ones stop being asked for; keep the map from growing anyway.
    if (this.#entries.size > 100) this.#entries.clear();
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
