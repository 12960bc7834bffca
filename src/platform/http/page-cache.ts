// Public pages that are the same for every anonymous visitor (the programme home page) are
// rendered once and kept for a short time. Each instance keeps its own copy; a change made on
// this instance clears it at once, and the short lifetime bounds how stale another instance's
// copy can be.
export class PageCache {
  readonly #entries = new Map<string, { html: string; expires: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  async get(key: string, now: number, render: () => Promise<string>): Promise<string> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.html;
    const html = await render();
    // Keys carry the date, so old ones stop being asked for; keep the map from growing anyway.
    if (this.#entries.size > 100) this.#entries.clear();
    this.#entries.set(key, { html, expires: now + this.#ttlMs });
    return html;
  }

  clear(): void {
    this.#entries.clear();
  }
}
