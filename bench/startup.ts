// Start-up of the command line, each next to a baseline measured in the same run:
// - `node src/main.ts --help` wall time, next to Node running an empty TypeScript file;
// - a warm `serve` (database migrated and seeded, assets built, Node's compile cache filled by an
//   earlier start) from spawning the process to the first 200 from /health, next to a bare
//   node:http server started the same way.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, table } from './lib.ts';

const RUNS = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60_000 });
  const took = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return took;
}

/** Spawns node with these arguments and PORT set; ms until GET /health first answers 200. */
async function msToHealth(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node ${args.join(' ')} stopped: ${stderr}`);
      if (performance.now() - start > 60_000) throw new Error(`node ${args.join(' ')}: no 200 from /health within 60 s`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - start;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export type StartupFigures = { helpMs: number; emptyMs: number; serveMs: number; bareServeMs: number };

export async function benchStartup(databaseUrl: string): Promise<StartupFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'coproduce-bench-start-'));
  try {
    const empty = join(dir, 'empty.ts');
    writeFileSync(empty, 'export {};\n');
    const bare = join(dir, 'bare.ts');
    writeFileSync(bare, "import { createServer } from 'node:http';\ncreateServer((_q, s) => s.end('{\"status\":\"ok\"}')).listen(Number(process.env.PORT), '127.0.0.1');\n");
    const env = { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', HOST: '127.0.0.1' };

    // One start of each first: it fills Node's compile cache, as any earlier start would have.
    wallMs(['src/main.ts', '--help'], env);
    await msToHealth(['src/main.ts', 'serve'], env);
    await msToHealth([bare], env);

    const help: number[] = [];
    const emptyRuns: number[] = [];
    const serve: number[] = [];
    const bareServe: number[] = [];
    // Interleaved, so a busy moment on the machine falls on both sides of each ratio.
    for (let i = 0; i < RUNS; i++) {
      help.push(wallMs(['src/main.ts', '--help'], env));
      emptyRuns.push(wallMs([empty], env));
      serve.push(await msToHealth(['src/main.ts', 'serve'], env));
      bareServe.push(await msToHealth([bare], env));
    }
    const figures = { helpMs: median(help), emptyMs: median(emptyRuns), serveMs: median(serve), bareServeMs: median(bareServe) };
    console.log(
      table([
        ['measure', `median of ${RUNS} ms`, 'baseline', 'baseline ms', 'ratio'],
        ['node src/main.ts --help', fmt(figures.helpMs), 'node empty.ts', fmt(figures.emptyMs), `${fmt(figures.helpMs / figures.emptyMs, 1)}×`],
        ['serve (warm) to first 200 from /health', fmt(figures.serveMs), 'bare node:http', fmt(figures.bareServeMs), `${fmt(figures.serveMs / figures.bareServeMs, 1)}×`],
      ]),
    );
    console.log(`Aims: --help well under a second: ${figures.helpMs < 500 ? 'met' : 'NOT met'}; /health within 2 s of a warm start: ${figures.serveMs < 2000 ? 'met' : 'NOT met'}`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
