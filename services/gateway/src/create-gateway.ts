import type { Express } from 'express';
import {
  AccountEventPublisher,
  LastUsedBatcher,
  accountEventFallback,
  createSchedulerClient,
  ensureAccountEventsStream,
  type Bus,
} from '@switchyard/bus';
import type { GatewayConfig } from '@switchyard/config';
import {
  createCredentialCipher,
  persistAccountState,
  recordAccountsLastUsed,
  type Db,
} from '@switchyard/db';
import {
  KeyBuilder,
  bindResponse,
  createSlotClient,
  releaseLock,
  type Redis,
} from '@switchyard/redis';
import { createMetricsRegistry } from '@switchyard/telemetry';
import type { Logger, Registry, RequestClasses } from '@switchyard/telemetry';
import { AccountStateReporter } from './accounts/account-state-reporter.js';
import { compileErrorRules } from './accounts/upstream-error-rule.js';
import { ADMIN_BASE_PATH, createAdminRouter } from './admin/index.js';
import { createApp } from './app.js';
import { ApiKeyLookup } from './auth/index.js';
import { AccountStore } from './credentials/account-store.js';
import { OAuthRefresher } from './credentials/oauth-refresher.js';
import { watchAccountChanges } from './credentials/watch-account-changes.js';
import { LeaseSlotStock } from './relay/lease-slot-stock.js';
import { SessionLeases } from './relay/session-leases.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { GroupModels } from './relay/group-models.js';
import { EndOfTurn } from './relay/end-of-turn.js';
import { Relay } from './relay/relay.js';
import { ReportPublisher } from './relay/report-publisher.js';
import { ensureUsageEventsStream } from './relay/usage-events-stream.js';
import { JetStreamRequestEvents } from './relay/usage-events.js';
import { expressRequestClasses } from './routes/fixed-paths-first.js';
import { UpstreamClient } from './upstreams/upstream-client.js';

export type GatewayDeps = {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Db;
  /** Where the request series go (`gateway_*`); a private registry when omitted. */
  readonly registry?: Registry;
};

/** A running gateway: its express app (the client and admin APIs) and how to stop it. */
export type Gateway = {
  readonly app: Express;
  /** For the HTTP server serving `app`: requests born as express's (expressRequestClasses). */
  readonly requestClasses: RequestClasses;
  /** Stops background work and flushes pending records; connections are the caller's. */
  stop(): Promise<void>;
};

// Token endpoints answer in well under a second; 15 s covers a slow one without holding a
// request (that is waiting for the fresh token) much longer than a client would.
const OAUTH_TIMEOUT_MS = 15_000;

/**
 * Wires the gateway from its connections: JetStream streams it publishes to, the scheduler
 * client, slots, the account store with OAuth refresh, account-state reporting, the relay, auth
 * and the admin API, assembled into one express app.
 */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger, bus, redis } = deps;
  const db = deps.db.db;
  const keys = new KeyBuilder(config.redisKeyPrefix);
  const cipher = createCredentialCipher(config.credentialKey.toString('base64'));
  const jsm = await bus.jsm();
  await ensureAccountEventsStream(jsm);
  await ensureUsageEventsStream(jsm);

  const accountEvents = new AccountEventPublisher(bus.js(), {
    logger: logger.child({ component: 'account-events' }),
    fallback: accountEventFallback({
      persistState: (event) => persistAccountState(db, event.accountId, event),
      persistLastUsed: (event) => recordAccountsLastUsed(db, event.entries),
      logger,
    }),
  });
  const lastUsed = new LastUsedBatcher(accountEvents, { logger });
  const upstream = new UpstreamClient({
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
    idleTimeoutMs: config.upstreamIdleTimeoutMs,
  });
  const slots = createSlotClient(redis, keys);
  // libs/redis defines its Lua scripts on a client at first use. On a client that
  // auto-pipelines (createRedis's do not), a first use in the same tick as another command lands
  // on a pipeline created before the script existed, and ioredis then crashes the process on the
  // missing reply. Using each script once now, before any traffic, defines them all safely.
  await slots.refresh(0, 'gateway-warm-up');
  await releaseLock(redis, keys.lock('gateway-warm-up'), 'none');
  const accounts = new AccountStore({ db, cipher });
  const leaseStock = new LeaseSlotStock({
    redis,
    keys,
    max: config.sessionLeasesMax > 0 ? config.leaseSlotStockMax : 0,
    minConcurrency: config.leaseSlotStockMinConcurrency,
    logger: logger.child({ component: 'lease-slot-stock' }),
  });
  const leases = new SessionLeases(config.sessionLeasesMax, Date.now, {
    account: (accountId) => leaseStock.forget(accountId),
    all: () => leaseStock.forgetAll(),
  });
  leaseStock.start();
  const watcher = watchAccountChanges(bus.nc, accounts, logger, leases);
  const oauth = new OAuthRefresher({
    db,
    redis,
    keys,
    cipher,
    store: accounts,
    dispatcher: upstream.dispatcher,
    tokenUrls: config.oauthTokenUrls,
    skewSeconds: config.oauthRefreshSkewSeconds,
    timeoutMs: OAUTH_TIMEOUT_MS,
  });
  // Reports and records of the requests that end in one event-loop turn leave in one write.
  const turn = new EndOfTurn((error) =>
    logger.error('deferred request bookkeeping failed', { error }),
  );
  const events = new JetStreamRequestEvents(bus.nc, turn, logger.child({ component: 'records' }));
  const metrics = new GatewayMetrics(
    deps.registry ??
      createMetricsRegistry({
        service: 'gateway',
        instance: config.instanceId,
        defaultMetrics: false,
      }),
    () => leaseStock.size,
  );
  const relayLogger = logger.child({ component: 'relay' });
  const relay = new Relay({
    scheduler: createSchedulerClient(bus.nc, { timeoutMs: config.schedulerTimeoutMs }),
    reports: new ReportPublisher(bus.nc, turn, relayLogger),
    slots,
    accounts,
    oauth,
    upstream,
    states: new AccountStateReporter({
      events: accountEvents,
      logger: logger.child({ component: 'account-state' }),
      policy: {
        rules: compileErrorRules(config.upstreamErrorRules),
        overloadCooldownMinutes: config.overloadCooldownMinutes,
        rateLimitFallbackCooldownSeconds: config.rateLimitFallbackCooldownSeconds,
        rateLimitMaxCooldownSeconds: config.rateLimitMaxCooldownSeconds,
      },
    }),
    events,
    groupModels: new GroupModels(db),
    bindResponse: (groupId, responseId, accountId) =>
      bindResponse(redis, keys, { groupId, responseId, accountId }),
    touch: (accountId) => lastUsed.touch(accountId),
    leases,
    leaseStock,
    baseUrls: config.upstreamBaseUrls,
    limits: config,
    metrics,
    logger: relayLogger,
  });
  const lookup = new ApiKeyLookup({ db, cacheTtlMs: config.apiKeyCacheTtlMs });
  const app = createApp({
    relay,
    auth: { lookup, redis, keys },
    bodyLimitBytes: config.bodyLimitBytes,
    events,
    metrics,
    admin: {
      path: ADMIN_BASE_PATH,
      router: createAdminRouter({
        db,
        cipher,
        events: accountEvents,
        adminToken: config.adminToken,
        onApiKeyChanged: (keyHash) => lookup.invalidate(keyHash),
        logger: logger.child({ component: 'admin' }),
      }),
    },
    onInternalError: (error, req) =>
      logger.error('client request failed', {
        method: req.method,
        path: req.path,
        error: error.cause ?? error,
      }),
  });
  return {
    app,
    requestClasses: expressRequestClasses(app),
    async stop() {
      watcher.stop();
      // After the server stopped taking requests: kept slots go back to every replica.
      await leaseStock.stop();
      await lastUsed.close();
      await events.flush();
      events.close();
      await upstream.close();
    },
  };
}
