import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { DASHBOARD_HTML } from './dashboard-page.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

/**
 * The directory of the `uplot` package as seen from `fromFile` (the entry script, a test
 * file): module resolution from there finds our own node_modules — or, from a package that
 * depends on this service (the bench), this service's. Passed in rather than derived from this
 * module's location, which ESM and the tests' CommonJS spell differently.
 */
export function resolveUplotDir(fromFile: string): string {
  const from = createRequire(fromFile);
  try {
    return dirname(from.resolve('uplot/package.json'));
  } catch {
    const service = from.resolve('@switchyard/metrics-aggregator');
    return dirname(createRequire(service).resolve('uplot/package.json'));
  }
}

// An hour: the uPlot build only changes with a deploy, and a stale dashboard.js after one is
// refreshed within the hour (the HTML itself is never cached).
const ASSET_CACHE = 'public, max-age=3600';

/**
 * `/dashboard` and its assets: the page, our script, and uPlot's build from node_modules. The
 * uPlot files are read once here, so a missing package fails start-up rather than the page.
 */
export function dashboardRouter(uplotDir: string): Router {
  const assets = new Map<string, { type: string; body: string }>([
    ['dashboard.js', { type: 'application/javascript', body: DASHBOARD_SCRIPT }],
    [
      'uPlot.iife.min.js',
      {
        type: 'application/javascript',
        body: readFileSync(join(uplotDir, 'dist/uPlot.iife.min.js'), 'utf8'),
      },
    ],
    [
      'uPlot.min.css',
      { type: 'text/css', body: readFileSync(join(uplotDir, 'dist/uPlot.min.css'), 'utf8') },
    ],
  ]);
  const router = Router();
  router.get('/', (_req, res) => {
    res.redirect(302, '/dashboard');
  });
  // Browsers ask for it on every page; no icon beats a 404 in every console.
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  router.get('/dashboard', (_req, res) => {
    res.set('cache-control', 'no-store').type('html').send(DASHBOARD_HTML);
  });
  router.get('/dashboard/assets/:file', (req, res, next) => {
    const asset = assets.get(req.params.file);
    if (asset === undefined) {
      next();
      return;
    }
    res.set('cache-control', ASSET_CACHE).type(asset.type).send(asset.body);
  });
  return router;
}
