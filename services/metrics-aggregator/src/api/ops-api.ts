import type { Bus } from '@switchyard/bus';
import type { Db } from '@switchyard/db';
import { selectOpsMetrics } from '@switchyard/db';
import type { Logger } from '@switchyard/telemetry';
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { DAY_MS, HOUR_MS } from '../aggregation/time-buckets.js';
import { parkedCount } from '../ingest/parked-events.js';
import { loadAccountAvailability } from '../queries/account-availability.js';
import { loadErrorDistribution } from '../queries/error-distribution.js';
import { loadOverview } from '../queries/overview.js';
import { gatherSchedulerMetrics } from '../queries/scheduler-metrics.js';
import {
  BadQueryError,
  Granularity,
  overviewQuery,
  parseQuery,
  rangeQuery,
  trendsQuery,
} from './query-params.js';
import { toTrendPoint } from './trend-points.js';

export type OpsApiDeps = {
  readonly db: Db;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly clock: () => number;
  /** How long `/scheduler` waits for replicas. */
  readonly schedulerTimeoutMs: number;
};

// Default spans when the caller gives no `from`: two days of hours, a month of days.
const DEFAULT_SPAN = { [Granularity.Hour]: 48 * HOUR_MS, [Granularity.Day]: 30 * DAY_MS };

/**
 * The ops API, JSON over HTTP under `/api/ops`: handlers parse the query, call one query
 * function and answer; every rule lives in the query and aggregation modules.
 */
export function opsApiRouter(deps: OpsApiDeps): Router {
  const router = Router();
  const { db, clock } = deps;

  router.get('/overview', async (req, res) => {
    const q = parseQuery(overviewQuery, req.query);
    res.json(await loadOverview(db, clock(), q.window * 1000, filterOf(q)));
  });

  router.get('/trends', async (req, res) => {
    const q = parseQuery(trendsQuery, req.query);
    const to = q.to ?? new Date(clock());
    const from = q.from ?? new Date(to.getTime() - DEFAULT_SPAN[q.granularity]);
    const table = q.granularity === Granularity.Hour ? 'ops_metrics_hourly' : 'ops_metrics_daily';
    const rows = await selectOpsMetrics(
      db.db,
      table,
      { from, to },
      { platform: q.platform ?? null, groupId: q.group ?? null },
    );
    res.json({
      granularity: q.granularity,
      from: from.toISOString(),
      to: to.toISOString(),
      platform: q.platform ?? null,
      groupId: q.group ?? null,
      points: rows.map(toTrendPoint),
    });
  });

  router.get('/errors', async (req, res) => {
    const q = parseQuery(rangeQuery, req.query);
    const to = q.to ?? new Date(clock());
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    const distribution = await loadErrorDistribution(db, { from, to }, filterOf(q));
    res.json({ from: from.toISOString(), to: to.toISOString(), ...distribution });
  });

  router.get('/accounts', async (_req, res) => {
    res.json(await loadAccountAvailability(db, clock()));
  });

  router.get('/scheduler', async (_req, res) => {
    const metrics = await gatherSchedulerMetrics(deps.bus, deps.schedulerTimeoutMs);
    res.status(metrics.replicas.length === 0 && metrics.error !== null ? 503 : 200).json(metrics);
  });

  router.get('/ingest', async (_req, res) => {
    res.json({ parkedEvents: await parkedCount(deps.bus) });
  });

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such ops endpoint' } });
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BadQueryError) {
      res.status(400).json({ error: { code: err.code, message: err.message } });
      return;
    }
    deps.logger.error('ops api request failed', { error: err });
    res.status(500).json({ error: { code: 'internal', message: 'the query failed' } });
  });

  return router;
}

function filterOf(q: { platform?: string | undefined; group?: number | undefined }) {
  return {
    ...(q.platform === undefined ? {} : { platform: q.platform }),
    ...(q.group === undefined ? {} : { groupId: q.group }),
  };
}
