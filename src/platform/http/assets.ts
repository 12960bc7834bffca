// Builds the stylesheet and scripts once into public/build with content hashes in their names,
// so they can be cached for a year; the manifest maps logical names to hashed files.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Sass from 'sass';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BUILD_DIR = join(ROOT, 'public/build');
const MANIFEST = join(BUILD_DIR, 'manifest.json');
const GOVUK = join(ROOT, 'node_modules/govuk-frontend/dist/govuk');

export type AssetManifest = { css: string; js: string; autocompleteJs: string; autocompleteCss: string };

function hashed(name: string, content: string | Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.indexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}

// Write then rename, so parallel test processes never read a half-written file.
function writeAtomic(path: string, content: string | Buffer): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function newestSourceTime(): number {
  const dirs = [join(ROOT, 'assets/scss'), join(ROOT, 'assets/js')];
  let newest = statSync(join(GOVUK, 'govuk-frontend.min.js')).mtimeMs;
  for (const dir of dirs) for (const f of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

/** The built files a built script imports ('./mentions-1a2b3c4d5e6f.mjs'). */
const IMPORTED = /(['"])\.\/([\w.-]+\.m?js)\1/g;

// The build on disk, if it is newer than every source and each file it names is there, with
// every module the built app.mjs imports.
function upToDate(): AssetManifest | null {
  if (!existsSync(MANIFEST) || statSync(MANIFEST).mtimeMs < newestSourceTime()) return null;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as AssetManifest;
  const file = (url: string) => join(BUILD_DIR, url.slice('/assets/build/'.length));
  if (!Object.values(manifest).every((url) => existsSync(file(url)))) return null;
  const imported = [...readFileSync(file(manifest.js), 'utf8').matchAll(IMPORTED)].map((m) => m[2]!);
  return imported.every((name) => existsSync(join(BUILD_DIR, name))) ? manifest : null;
}

export function buildAssets(force = false): AssetManifest {
  const built = force ? null : upToDate();
  if (built) return built;
  mkdirSync(BUILD_DIR, { recursive: true });
  // Sass takes a few hundred milliseconds just to load: only when there is something to compile.
  const sass = createRequire(import.meta.url)('sass') as typeof Sass;
  const css = sass.compile(join(ROOT, 'assets/scss/app.scss'), {
    loadPaths: [join(ROOT, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  }).css;
  const cssName = hashed('app.css', css);
  writeAtomic(join(BUILD_DIR, cssName), css);

  const govukJs = readFileSync(join(GOVUK, 'govuk-frontend.min.js'));
  const govukName = hashed('govuk-frontend.min.js', govukJs);
  writeAtomic(join(BUILD_DIR, govukName), govukJs);
  let appJs = readFileSync(join(ROOT, 'assets/js/app.mjs'), 'utf8').replace('./govuk-frontend.min.js', `./${govukName}`);
  // The other modules app.mjs imports ('./mentions.mjs'), each hashed, and its imports of them
  // renamed (in either quotes; only a whole './name.mjs' string, so no other import is touched).
  // Only app.mjs's imports are renamed: a module that imported another would ask for a name that
  // is not in the build, so the build refuses it rather than ship a script that fails to load.
  for (const file of readdirSync(join(ROOT, 'assets/js')).filter((f) => f.endsWith('.mjs') && f !== 'app.mjs')) {
    const js = readFileSync(join(ROOT, 'assets/js', file), 'utf8');
    if (/\bimport\b[^;]*?['"]\.{1,2}\//.test(js)) throw new Error(`assets/js/${file} imports another file: only app.mjs may import the other modules`);
    const name = hashed(file, js);
    writeAtomic(join(BUILD_DIR, name), js);
    for (const quote of ["'", '"']) appJs = appJs.replaceAll(`${quote}./${file}${quote}`, `${quote}./${name}${quote}`);
  }
  const jsName = hashed('app.mjs', appJs);
  writeAtomic(join(BUILD_DIR, jsName), appJs);

  // alphagov's accessible-autocomplete turns a long <select> into a type-ahead field; pages load
  // it only where they need it, and the select works as it is without JavaScript.
  const autocomplete = join(ROOT, 'node_modules/accessible-autocomplete/dist');
  const acJs = readFileSync(join(autocomplete, 'accessible-autocomplete.min.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '');
  const acJsName = hashed('autocomplete.min.js', acJs);
  writeAtomic(join(BUILD_DIR, acJsName), acJs);
  const acCss = readFileSync(join(autocomplete, 'accessible-autocomplete.min.css'), 'utf8').replace(/\n?\/\*# sourceMappingURL=.*\*\/\s*$/, '');
  const acCssName = hashed('autocomplete.min.css', acCss);
  writeAtomic(join(BUILD_DIR, acCssName), acCss);

  const manifest: AssetManifest = {
    css: `/assets/build/${cssName}`,
    js: `/assets/build/${jsName}`,
    autocompleteJs: `/assets/build/${acJsName}`,
    autocompleteCss: `/assets/build/${acCssName}`,
  };
  writeAtomic(MANIFEST, JSON.stringify(manifest));
  return manifest;
}
