// Home page and /health, each next to a bare node:http server sending the same bytes.
import { bareServer, fmt, measure, table, type BenchApp } from './lib.ts';

async function against(app: BenchApp, path: string, accept: string) {
  const res = await fetch(`${app.url}${path}`, { headers: { accept } });
  const body = Buffer.from(await res.arrayBuffer());
  const bare = await bareServer(body, { 'content-type': res.headers.get('content-type') ?? 'text/plain' });
  try {
    const real = await measure(`${app.url}${path}`, { headers: { accept } });
    const baseline = await measure(bare.url);
    return { real, baseline, bytes: body.length };
  } finally {
    await bare.close();
  }
}

export async function benchPages(app: BenchApp): Promise<{ homeRatio: number }> {
  const home = await against(app, '/', 'text/html');
  const health = await against(app, '/health', 'application/json');
  const rows: (string | number)[][] = [['page', 'bytes', 'app req/s', 'app p99 ms', 'bare req/s', 'bare p99 ms', 'app / bare']];
  for (const [name, r] of [['GET /', home], ['GET /health', health]] as const) {
    if (r.real.errors) throw new Error(`${name}: ${r.real.errors} failed requests`);
    rows.push([name, r.bytes, fmt(r.real.rps), r.real.p99, fmt(r.baseline.rps), r.baseline.p99, `${fmt((r.real.rps / r.baseline.rps) * 100)}%`]);
  }
  console.log(table(rows));
  const homeRatio = home.real.rps / home.baseline.rps;
  console.log(`Aim: home page at 25% or more of the bare server's rate: ${homeRatio >= 0.25 ? 'met' : 'NOT met'} (${fmt(homeRatio * 100)}%)`);
  return { homeRatio };
}
