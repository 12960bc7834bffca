// Home page and /health, each next to a bare node:http server sending the same bytes and the
// same headers (security headers included), so the difference is what the app does per request.
// Every server runs in a process of its own (bench/page-server.ts) and the load generator in
// this one, so the figures are also the servers' CPU time per request, which a busy machine
// disturbs less than a rate. Each is measured in three interleaved rounds of 3 seconds.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, measure, table, type BenchApp, type Measured } from './lib.ts';

const ROUNDS = 3;
const SECONDS = 3;
const SERVER = fileURLToPath(new URL('./page-server.ts', import.meta.url));

type Server = { url: string; cpu(): Promise<number>; close(): Promise<void> };

async function server(kind: 'app' | 'bare' | 'plain', target: string): Promise<Server> {
  const child: ChildProcess = fork(SERVER, [kind, target], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  // One question at a time: each answer goes to the oldest waiting one.
  const waiting: { resolve(m: Record<string, unknown>): void; reject(e: Error): void }[] = [];
  child.on('message', (m) => waiting.shift()?.resolve(m as Record<string, unknown>));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`page server (${kind}) stopped with ${code}`));
      resolve();
    }),
  );
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => waiting.push({ resolve, reject }));
  const { url } = (await next()) as { url: string };
  return {
    url,
    async cpu() {
      const reply = next();
      child.send('cpu');
      return ((await reply) as { cpu: number }).cpu;
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

type Run = Measured & { cpuPerRequest: number };

/** Rounds of one server as one: the mean rate, the worst p99, all errors, CPU µs per request. */
async function round(s: Server, path: string, connections: number, into: { rps: number[]; p99: number[]; errors: number; cpu: number; requests: number }) {
  const before = await s.cpu();
  const m = await measure(`${s.url}${path}`, { connections, seconds: SECONDS, headers: { accept: 'text/html' } });
  into.cpu += (await s.cpu()) - before;
  into.requests += m.rps * SECONDS;
  into.rps.push(m.rps);
  into.p99.push(m.p99);
  into.errors += m.errors;
}

const empty = () => ({ rps: [] as number[], p99: [] as number[], errors: 0, cpu: 0, requests: 0 });
const summary = (r: ReturnType<typeof empty>): Run => ({
  rps: r.rps.reduce((a, b) => a + b, 0) / r.rps.length,
  p99: Math.max(...r.p99),
  errors: r.errors,
  cpuPerRequest: r.cpu / r.requests,
});

async function against(app: Server, path: string, connections: number, alsoPlain = false) {
  const bare = await server('bare', `${app.url}${path}`);
  const plain = alsoPlain ? await server('plain', `${app.url}${path}`) : null;
  try {
    const runs = { real: empty(), baseline: empty(), plain: empty() };
    // Interleaved, so that a busy moment on the machine falls on both sides of the ratio.
    for (let i = 0; i < ROUNDS; i++) {
      await round(app, path, connections, runs.real);
      await round(bare, path, connections, runs.baseline);
      if (plain) await round(plain, path, connections, runs.plain);
    }
    return { real: summary(runs.real), baseline: summary(runs.baseline), plain: plain ? summary(runs.plain) : null };
  } finally {
    await bare.close();
    await plain?.close();
  }
}

export type PageFigures = { home50: { rate: number; cpu: number; plainRate: number; plainCpu: number } };

export async function benchPages(bench: BenchApp): Promise<PageFigures> {
  const app = await server('app', bench.databaseUrl);
  try {
    const bytes = async (path: string) => (await (await fetch(`${app.url}${path}`, { headers: { accept: 'text/html' } })).arrayBuffer()).byteLength;
    const home = await against(app, '/', 10);
    const health = await against(app, '/health', 10);
    const home50 = await against(app, '/', 50, true);
    const rows: (string | number)[][] = [['page', 'conns', 'bytes', 'app req/s', 'p99 ms', 'bare req/s', 'p99 ms', 'rate app / bare', 'CPU µs/req app, bare', 'CPU bare / app']];
    for (const [name, connections, r] of [['GET /', 10, home], ['GET /health', 10, health], ['GET /', 50, home50]] as const) {
      if (r.real.errors) throw new Error(`${name}: ${r.real.errors} failed requests`);
      rows.push([name, connections, await bytes(name.slice(4)), fmt(r.real.rps), r.real.p99, fmt(r.baseline.rps), r.baseline.p99, fmt(r.real.rps / r.baseline.rps, 2), `${fmt(r.real.cpuPerRequest)}, ${fmt(r.baseline.cpuPerRequest)}`, fmt(r.baseline.cpuPerRequest / r.real.cpuPerRequest, 2)]);
    }
    const plain = home50.plain!;
    rows.push(['GET / (bare: content type only)', 50, '', fmt(home50.real.rps), home50.real.p99, fmt(plain.rps), plain.p99, fmt(home50.real.rps / plain.rps, 2), `${fmt(home50.real.cpuPerRequest)}, ${fmt(plain.cpuPerRequest)}`, fmt(plain.cpuPerRequest / home50.real.cpuPerRequest, 2)]);
    console.log(table(rows));
    const figures = {
      home50: {
        rate: home50.real.rps / home50.baseline.rps,
        cpu: home50.baseline.cpuPerRequest / home50.real.cpuPerRequest,
        plainRate: home50.real.rps / plain.rps,
        plainCpu: plain.cpuPerRequest / home50.real.cpuPerRequest,
      },
    };
    const met = Math.min(figures.home50.rate, figures.home50.cpu) >= 0.4;
    console.log(`Aim: the cached home page at 0.4 or more of the bare server at 50 connections (rate and CPU per request): ${met ? 'met' : 'NOT met'} (rate ${fmt(figures.home50.rate, 2)}, CPU ${fmt(figures.home50.cpu, 2)})`);
    return figures;
  } finally {
    await app.close();
  }
}
