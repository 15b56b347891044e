import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { insertUsageLogs } from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { runDailyRollup, runHourlyAggregation, usageRow } from '../src/index.js';
import type { RunningAggregator } from './fixture.js';
import { startAggregator } from './fixture.js';
import { generateEvents } from './generate-events.js';
import { listen } from './http-server.js';
import { seedOpsData } from './seed.js';

// Debian's chromium (deploy/local/ensure-chromium.sh installs it); playwright-core drives it
// and downloads no browser of its own.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = resolve(__dirname, '../../../.local/artifacts/dashboard.png');

// What the checks read in the page, typed here because the repository compiles without the DOM
// library (these functions run in the browser; only their types live in Node).
type Pixels = { data: Uint8ClampedArray };
type Canvas2D = {
  canvas: { width: number; height: number };
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): Pixels;
};
type Chart = {
  data: (number | null)[][];
  ctx: Canvas2D;
  series: { stroke?: unknown }[];
};
type PageGlobals = {
  __dashboard?: { refreshes: number; charts: Record<string, Chart> };
  document: {
    createElement(tag: 'canvas'): { getContext(kind: '2d'): Canvas2D | null };
    querySelector(selector: string): { textContent: string | null } | null;
  };
};

type ChartCheck = { id: string; points: number; seriesWithData: number; coloredPixels: number };

describe('dashboard', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let running: RunningAggregator;
  let server: { url: string; close(): Promise<void> };
  let context: BrowserContext;
  let profileDir: string;

  beforeAll(async () => {
    const now = Date.now();
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    running = await startAggregator(harness, {
      tuning: { ingest: false, schedulerTimeoutMs: 200 },
    });
    await seedOpsData(running.db, now);
    await runHourlyAggregation(running.db, running.aggregator.settings, now);
    await runDailyRollup(running.db, running.aggregator.settings, now);
    server = await listen(running.aggregator.handler);
    profileDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1100 },
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await server?.close();
    await running?.stop();
    await harness?.stop();
  });

  it('draws every chart from the ops API, refreshes itself, and keeps a screenshot', async () => {
    const page = await context.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (req) => failedRequests.push(req.url()));
    page.on('response', (res) => {
      if (res.status() >= 400 && !res.url().endsWith('/api/ops/scheduler'))
        failedRequests.push(`${res.status()} ${res.url()}`);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      // No scheduler runs in this test: its endpoint answers 503, which the page shows as such.
      if (msg.type() === 'error' && !msg.location().url.endsWith('/api/ops/scheduler')) {
        pageErrors.push(msg.text());
      }
    });
    await page.goto(`${server.url}/dashboard?refresh=1`);
    await page
      .waitForFunction(() => {
        const d = (globalThis as unknown as PageGlobals).__dashboard;
        return d !== undefined && d.refreshes >= 1 && Object.keys(d.charts).length === 5;
      })
      .catch((err: unknown) => {
        throw new Error(`dashboard did not draw: ${pageErrors.join(' | ')}`, { cause: err });
      });
    expect(pageErrors).toEqual([]);

    const checks = await page.evaluate((): ChartCheck[] => {
      const page = globalThis as unknown as PageGlobals;
      const charts = page.__dashboard!.charts;
      return Object.entries(charts).map(([id, chart]) => {
        // The pixels painted in the colour of the chart's last series (the line or the topmost
        // bar band): axes and grid are grey, so these can only come from data.
        const canvas = chart.ctx.canvas;
        const last = chart.series[chart.series.length - 1]!;
        const color = String(typeof last.stroke === 'function' ? '' : last.stroke);
        const probe = page.document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = color;
        probe.fillRect(0, 0, 1, 1);
        const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
        const pixels = chart.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloredPixels = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (
            Math.abs(pixels[i]! - r!) < 8 &&
            Math.abs(pixels[i + 1]! - g!) < 8 &&
            Math.abs(pixels[i + 2]! - b!) < 8 &&
            pixels[i + 3]! > 200
          ) {
            coloredPixels++;
          }
        }
        return {
          id,
          points: chart.data[0]!.length,
          seriesWithData: chart.data.slice(1).filter((s) => s.some((v) => v !== null && v > 0))
            .length,
          coloredPixels,
        };
      });
    });
    expect(checks.map((c) => c.id).sort()).toEqual([
      'chart-accounts',
      'chart-duration',
      'chart-errors',
      'chart-throughput',
      'chart-ttft',
    ]);
    for (const check of checks) {
      expect(check).toMatchObject({ id: check.id });
      expect([
        check.id,
        check.points > 0,
        check.seriesWithData > 0,
        check.coloredPixels > 50,
      ]).toEqual([check.id, true, true, true]);
    }
    const hourlyPoints = checks.find((c) => c.id === 'chart-throughput')!.points;
    expect(hourlyPoints).toBeGreaterThanOrEqual(30);
    expect(await page.locator('#tiles .tile').count()).toBe(7);
    expect(await page.locator('#error-tables table').count()).toBe(2);

    // Self-refresh: new traffic shows up in the tiles without reloading the page.
    const before = await page.locator('#tiles .tile .value').first().textContent();
    const burst = generateEvents({
      from: Date.now() - 60_000,
      to: Date.now() - 1_000,
      usage: 900,
      errors: 0,
      seed: 21,
      prefix: 'burst',
    });
    await insertUsageLogs(running.db.db, burst.usage.map(usageRow));
    await page.waitForFunction(
      (old) =>
        (globalThis as unknown as PageGlobals).document.querySelector('#tiles .tile .value')
          ?.textContent !== old,
      before,
      { timeout: 10_000 },
    );
    expect(failedRequests).toEqual([]);

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
