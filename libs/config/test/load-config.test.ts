import { hostname } from 'node:os';
import {
  loadGatewayConfig,
  loadMetricsAggregatorConfig,
  loadMigrateConfig,
  loadSchedulerConfig,
  loadSnapshotBuilderConfig,
} from '@switchyard/config';

const DATABASE_URL = 'postgres://switchyard:pw@127.0.0.1:5432/switchyard';
const CREDENTIAL_KEY = Buffer.alloc(32, 7).toString('base64');
const gatewayEnv = { DATABASE_URL, ADMIN_TOKEN: 'a'.repeat(16), CREDENTIAL_KEY };

describe('common configuration', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    const config = loadSchedulerConfig({ DATABASE_URL });
    expect(config).toMatchObject({
      natsServers: ['nats://127.0.0.1:4222'],
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'sy:',
      logLevel: 'info',
      httpHost: '0.0.0.0',
      shutdownTimeoutMs: 10000,
      tracesExporter: 'none',
      databaseUrl: DATABASE_URL,
    });
  });

  it('defaults the instance id to hostname-pid', () => {
    expect(loadSchedulerConfig({ DATABASE_URL }).instanceId).toBe(`${hostname()}-${process.pid}`);
  });

  it('gives each service its own default HTTP port', () => {
    expect(loadGatewayConfig(gatewayEnv).httpPort).toBe(8080);
    expect(loadSchedulerConfig({ DATABASE_URL }).httpPort).toBe(8081);
    expect(loadSnapshotBuilderConfig({ DATABASE_URL }).httpPort).toBe(8082);
    expect(loadMetricsAggregatorConfig({ DATABASE_URL }).httpPort).toBe(8083);
  });

  it('treats an empty or blank value as unset and trims set values', () => {
    const config = loadSchedulerConfig({ DATABASE_URL, LOG_LEVEL: '', HTTP_PORT: ' 9000\r' });
    expect(config.logLevel).toBe('info');
    expect(config.httpPort).toBe(9000);
  });

  it('reads several NATS seed servers from a comma-separated NATS_URL', () => {
    const config = loadSchedulerConfig({
      DATABASE_URL,
      NATS_URL: 'nats://a:4222, nats://b:4222',
    });
    expect(config.natsServers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('accepts enum values in any case and returns the canonical spelling', () => {
    const config = loadSchedulerConfig({ DATABASE_URL, LOG_LEVEL: 'WARN' });
    expect(config.logLevel).toBe('warn');
  });
});

describe('loadGatewayConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadGatewayConfig(gatewayEnv);
    expect(config).toMatchObject({
      adminToken: 'a'.repeat(16),
      bodyLimitBytes: 33554432,
      schedulerTimeoutMs: 1000,
      maxAccountSwitches: 10,
      maxAccountSwitchesGemini: 3,
      overloadCooldownMinutes: 10,
      rateLimitFallbackCooldownSeconds: 5,
      rateLimitMaxCooldownSeconds: 7200,
      upstreamConnectTimeoutMs: 10000,
      upstreamFirstByteTimeoutMs: 300000,
      upstreamIdleTimeoutMs: 300000,
      apiKeyCacheTtlMs: 5000,
      oauthRefreshSkewSeconds: 300,
      upstreamBaseUrls: {
        anthropic: 'https://api.anthropic.com',
        openai: 'https://api.openai.com',
        gemini: 'https://generativelanguage.googleapis.com',
        antigravity: 'https://cloudcode-pa.googleapis.com',
      },
    });
    expect(config.oauthTokenUrls.gemini).toBe('https://oauth2.googleapis.com/token');
  });

  it('decodes the credential key into its 32 bytes', () => {
    expect(loadGatewayConfig(gatewayEnv).credentialKey.equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('drops trailing slashes from upstream base URLs so paths can be appended', () => {
    const config = loadGatewayConfig({
      ...gatewayEnv,
      UPSTREAM_BASE_URL_OPENAI: 'http://127.0.0.1:9999/openai/',
    });
    expect(config.upstreamBaseUrls.openai).toBe('http://127.0.0.1:9999/openai');
  });
});

describe('loadSchedulerConfig', () => {
  it('applies the documented policy defaults', () => {
    const config = loadSchedulerConfig({ DATABASE_URL });
    expect(config).toMatchObject({
      policy: 'layered',
      stickyEscapeEnabled: true,
      stickyEscapeTtftMs: 15000,
      stickyEscapeErrorRate: 0.5,
      weights: { priority: 1, load: 1, queue: 0.7, errorRate: 0.8, ttft: 0.5 },
      topK: 7,
      ewmaAlpha: 0.2,
      stickyTtlSeconds: 3600,
      slotTtlSeconds: 300,
      stickyMaxWaiting: 3,
      stickyWaitTimeoutMs: 120000,
      fallbackMaxWaiting: 100,
      fallbackWaitTimeoutMs: 30000,
      dbFallbackMaxQps: 10,
      dbFallbackTimeoutMs: 2000,
      slotStockMax: 8,
      slotStockMinConcurrency: 16,
    });
  });

  it('reads booleans written as 0 and 1', () => {
    expect(
      loadSchedulerConfig({ DATABASE_URL, SCHED_STICKY_ESCAPE_ENABLED: '0' }).stickyEscapeEnabled,
    ).toBe(false);
    expect(
      loadSchedulerConfig({ DATABASE_URL, SCHED_STICKY_ESCAPE_ENABLED: '1' }).stickyEscapeEnabled,
    ).toBe(true);
  });

  it('overrides weights from the environment', () => {
    const config = loadSchedulerConfig({ DATABASE_URL, SCHED_WEIGHT_TTFT: '2.25' });
    expect(config.weights.ttft).toBe(2.25);
  });
});

describe('loadSnapshotBuilderConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadSnapshotBuilderConfig({ DATABASE_URL })).toMatchObject({
      fullRebuildIntervalSeconds: 300,
      lagRebuildSeconds: 10,
      lagRebuildFailures: 3,
      backlogRebuildRows: 10000,
      lagWarnSeconds: 5,
      lockTtlSeconds: 30,
      consumerName: 'snapshot-builder',
    });
  });
});

describe('loadMetricsAggregatorConfig', () => {
  it('applies the documented defaults and leaves optional report outputs unset', () => {
    expect(loadMetricsAggregatorConfig({ DATABASE_URL })).toMatchObject({
      batchSize: 1000,
      batchMaxWaitMs: 200,
      hourlyIntervalMinutes: 10,
      hourlySafeDelayMinutes: 5,
      dailyIntervalMinutes: 60,
      retentionDays: { usage: 90, error: 90, hourly: 180, daily: 730 },
      reports: {
        dir: undefined,
        webhookUrl: undefined,
        dailySummaryCron: '0 8 * * *',
      },
    });
  });

  it('reads the optional report outputs when set', () => {
    const config = loadMetricsAggregatorConfig({
      DATABASE_URL,
      REPORTS_DIR: '/var/lib/switchyard/reports',
      REPORTS_WEBHOOK_URL: 'https://hooks.example.com/T000/B000',
      REPORT_ERROR_DIGEST_CRON: '*/15 9-17 * * 1-5',
    });
    expect(config.reports).toMatchObject({
      dir: '/var/lib/switchyard/reports',
      webhookUrl: 'https://hooks.example.com/T000/B000',
      errorDigestCron: '*/15 9-17 * * 1-5',
    });
  });
});

describe('MODEL_PRICES', () => {
  it('is empty by default and reads exact and prefix prices, cache prices optional', () => {
    expect(loadMetricsAggregatorConfig({ DATABASE_URL }).modelPrices).toEqual({});
    const prices = {
      'claude-sonnet-4*': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
      'gpt-5': { input: 1.25, output: 10 },
    };
    expect(
      loadMetricsAggregatorConfig({ DATABASE_URL, MODEL_PRICES: JSON.stringify(prices) })
        .modelPrices,
    ).toEqual(prices);
  });

  it.each([
    ['not JSON', '{gpt-5: 1}'],
    ['a list', '[]'],
    ['a negative price', '{"m":{"input":-1,"output":1}}'],
    ['a missing output price', '{"m":{"input":1}}'],
    ['an unknown field', '{"m":{"input":1,"output":1,"perRequest":1}}'],
  ])('refuses %s, naming the variable', (_what, raw) => {
    expect(() => loadMetricsAggregatorConfig({ DATABASE_URL, MODEL_PRICES: raw })).toThrow(
      /MODEL_PRICES/,
    );
  });
});

describe('loadMigrateConfig', () => {
  it('reads only DATABASE_URL', () => {
    expect(loadMigrateConfig({ DATABASE_URL, HTTP_PORT: 'not read' })).toEqual({
      databaseUrl: DATABASE_URL,
    });
  });
});
