// Home page and /health, each next to a bare node:http server sending the same bytes and the
// same headers (security headers included), so the difference is what the app does per request.
// Each is measured in three interleaved rounds of 3 seconds.
import { bareServer, fmt, measure, table, type BenchApp, type Measured } from './lib.ts';

// Headers node:http writes itself (or that describe this one connection) are left to the bare server.
const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const ROUNDS = 3;
const SECONDS = 3;

/** Rounds of one measurement as one: the mean rate, the worst p99, every error. */
function combine(rounds: Measured[]): Measured {
  return {
    rps: rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length,
    p99: Math.max(...rounds.map((r) => r.p99)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  };
}

type Compared = { real: Measured; baseline: Measured; bytes: number; bodyOnly?: Measured };

async function against(app: BenchApp, path: string, accept: string, connections: number, alsoBodyOnly = false): Promise<Compared> {
  const res = await fetch(`${app.url}${path}`, { headers: { accept } });
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) headers[name] = value;
  });
  const bare = await bareServer(body, headers);
  // The earlier baseline: the same bytes with only a content type (no security headers).
  const plain = alsoBodyOnly ? await bareServer(body, { 'content-type': headers['content-type'] ?? 'text/plain' }) : null;
  try {
    // Interleaved rounds, so that a busy moment on the machine falls on both sides of the ratio.
    const real: Measured[] = [];
    const baseline: Measured[] = [];
    const bodyOnly: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      real.push(await measure(`${app.url}${path}`, { headers: { accept }, connections, seconds: SECONDS }));
      baseline.push(await measure(bare.url, { connections, seconds: SECONDS }));
      if (plain) bodyOnly.push(await measure(plain.url, { connections, seconds: SECONDS }));
    }
    return { real: combine(real), baseline: combine(baseline), bytes: body.length, bodyOnly: plain ? combine(bodyOnly) : undefined };
  } finally {
    await bare.close();
    await plain?.close();
  }
}

export async function benchPages(app: BenchApp): Promise<{ homeRatio: number; home50Ratio: number }> {
  const home = await against(app, '/', 'text/html', 10);
  const health = await against(app, '/health', 'application/json', 10);
  const home50 = await against(app, '/', 'text/html', 50, true);
  const rows: (string | number)[][] = [['page', 'connections', 'bytes', 'app req/s', 'app p99 ms', 'bare req/s', 'bare p99 ms', 'app / bare']];
  for (const [name, connections, r] of [['GET /', 10, home], ['GET /health', 10, health], ['GET /', 50, home50]] as const) {
    if (r.real.errors) throw new Error(`${name}: ${r.real.errors} failed requests`);
    rows.push([name, connections, r.bytes, fmt(r.real.rps), r.real.p99, fmt(r.baseline.rps), r.baseline.p99, `${fmt(r.real.rps / r.baseline.rps, 2)}`]);
  }
  console.log(table(rows));
  const plain = home50.bodyOnly!;
  console.log(`GET / at 50 connections against a bare server sending the same bytes with only a content type: ${fmt(plain.rps)} req/s, app / bare ${fmt(home50.real.rps / plain.rps, 2)}`);
  const homeRatio = home.real.rps / home.baseline.rps;
  const home50Ratio = home50.real.rps / home50.baseline.rps;
  console.log(`Aim: home page (cached, anonymous) at 0.4 or more of the bare server's rate at 50 connections: ${home50Ratio >= 0.4 ? 'met' : 'NOT met'} (${fmt(home50Ratio, 2)})`);
  return { homeRatio, home50Ratio };
}
