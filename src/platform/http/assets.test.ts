// The asset build's scripts: app.mjs imports the other modules of assets/js (mentions.mjs) by
// their hashed names, each built file is what its source says, they are served as JavaScript
// cached for a year, and a build missing one of those modules is built again.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { BUILD_DIR, ROOT, buildAssets } from './assets.ts';

const built = (url: string) => readFileSync(join(BUILD_DIR, url.slice('/assets/build/'.length)), 'utf8');
const modules = readdirSync(join(ROOT, 'assets/js')).filter((f) => f.endsWith('.mjs') && f !== 'app.mjs');

describe('the asset build of scripts', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('renames app.mjs imports of the other modules to their hashed files, and nothing else', () => {
    assert.ok(modules.includes('mentions.mjs'));
    const appJs = built(buildAssets().js);
    const source = readFileSync(join(ROOT, 'assets/js/app.mjs'), 'utf8');
    for (const file of modules) {
      const stem = file.slice(0, -'.mjs'.length);
      const name = new RegExp(`'\\./(${stem}-[0-9a-f]{12}\\.mjs)'`).exec(appJs)?.[1];
      assert.ok(name, `app.mjs imports ${file} by a hashed name`);
      assert.ok(!appJs.includes(`'./${file}'`), `no import of ${file} by its own name is left`);
      assert.equal(readFileSync(join(BUILD_DIR, name), 'utf8'), readFileSync(join(ROOT, 'assets/js', file), 'utf8'), `the built ${file} is its source`);
    }
    assert.match(appJs, /from '\.\/govuk-frontend-[0-9a-f]{12}\.min\.js'/);
    // Apart from the renamed imports, the built script is the source.
    const unnamed = (js: string) => js.replace(/'\.\/([\w.-]+?)(?:-[0-9a-f]{12})?(\.min\.js|\.mjs)'/g, "'./$1$2'");
    assert.equal(unnamed(appJs), source);
  });

  it('serves a hashed module as JavaScript, cached for a year and never changed', async () => {
    const name = /'\.\/(mentions-[0-9a-f]{12}\.mjs)'/.exec(built(buildAssets().js))![1]!;
    const res = await t.client().get(`/assets/build/${name}`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.match(String(res.headers['cache-control']), /max-age=31536000/);
    assert.match(String(res.headers['cache-control']), /immutable/);
    assert.match(res.body, /export function enhanceMentions/);
  });

  it('builds again when a module the built app.mjs imports is missing', () => {
    const name = /'\.\/(mentions-[0-9a-f]{12}\.mjs)'/.exec(built(buildAssets().js))![1]!;
    const path = join(BUILD_DIR, name);
    const aside = `${path}.aside`;
    renameSync(path, aside);
    try {
      buildAssets();
      assert.ok(existsSync(path), 'the module is there again');
    } finally {
      if (existsSync(path)) rmSync(aside, { force: true });
      else renameSync(aside, path);
    }
  });
});
