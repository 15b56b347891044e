import type { ConfigError } from '@switchyard/config';
import {
  loadGatewayConfig,
  loadMetricsAggregatorConfig,
  loadMigrateConfig,
  loadSchedulerConfig,
  loadSnapshotBuilderConfig,
} from '@switchyard/config';

const DATABASE_URL = 'postgres://switchyard:pw@127.0.0.1:5432/switchyard';
const ADMIN_TOKEN = 'admin-token-of-24-chars!';
const CREDENTIAL_KEY = Buffer.alloc(32, 1).toString('base64');
const gatewayEnv = { DATABASE_URL, ADMIN_TOKEN, CREDENTIAL_KEY };

/** Runs `load` and returns the ConfigError it must throw. */
function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toMatchObject({ name: 'ConfigError', code: 'config_invalid', retryable: false });
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('ConfigError', () => {
  it('names a non-integer value and what was expected', () => {
    const error = configErrorOf(() => loadSchedulerConfig({ DATABASE_URL, SCHED_TOP_K: 'abc' }));
    expect(error.message).toBe(
      'invalid configuration: SCHED_TOP_K must be an integer >= 1 (got "abc")',
    );
    expect(error.variables).toEqual(['SCHED_TOP_K']);
    expect(error).toBeInstanceOf(Error);
  });

  it('refuses a fractional value where an integer is expected', () => {
    const error = configErrorOf(() => loadSchedulerConfig({ DATABASE_URL, SCHED_TOP_K: '2.5' }));
    expect(error.variables).toEqual(['SCHED_TOP_K']);
  });

  it('names an integer out of range', () => {
    const error = configErrorOf(() => loadSchedulerConfig({ DATABASE_URL, HTTP_PORT: '70000' }));
    expect(error.message).toContain(
      'HTTP_PORT must be an integer between 0 and 65535 (got "70000")',
    );
  });

  it('names a number out of range', () => {
    const error = configErrorOf(() =>
      loadSchedulerConfig({ DATABASE_URL, SCHED_STICKY_ESCAPE_ERROR_RATE: '1.5' }),
    );
    expect(error.message).toContain(
      'SCHED_STICKY_ESCAPE_ERROR_RATE must be a number between 0 and 1 (got "1.5")',
    );
  });

  it('refuses an EWMA alpha of 0, which would never learn', () => {
    const error = configErrorOf(() => loadSchedulerConfig({ DATABASE_URL, SCHED_EWMA_ALPHA: '0' }));
    expect(error.message).toContain('SCHED_EWMA_ALPHA must be a number > 0 and <= 1');
  });

  it('refuses a negative duration', () => {
    const error = configErrorOf(() =>
      loadSchedulerConfig({ DATABASE_URL, SCHED_FALLBACK_WAIT_TIMEOUT_MS: '-5' }),
    );
    expect(error.message).toContain(
      'SCHED_FALLBACK_WAIT_TIMEOUT_MS must be a whole number of milliseconds >= 0',
    );
  });

  it('refuses a duration with a unit suffix', () => {
    const error = configErrorOf(() =>
      loadSchedulerConfig({ DATABASE_URL, SHUTDOWN_TIMEOUT_MS: '10s' }),
    );
    expect(error.variables).toEqual(['SHUTDOWN_TIMEOUT_MS']);
  });

  it('names a bad URL', () => {
    const error = configErrorOf(() =>
      loadGatewayConfig({ ...gatewayEnv, UPSTREAM_BASE_URL_ANTHROPIC: 'api.anthropic.com' }),
    );
    expect(error.message).toContain(
      'UPSTREAM_BASE_URL_ANTHROPIC must be a http:// or https:// URL (got "api.anthropic.com")',
    );
  });

  it('names a URL with the wrong scheme', () => {
    const error = configErrorOf(() =>
      loadSchedulerConfig({ DATABASE_URL, NATS_URL: 'nats://a:4222,http://b:4222' }),
    );
    expect(error.variables).toEqual(['NATS_URL']);
    expect(error.message).toContain(
      'NATS_URL must be a comma-separated list of nats:// or tls:// URLs',
    );
  });

  it('names a bad enum value and lists the allowed ones', () => {
    const error = configErrorOf(() => loadSchedulerConfig({ DATABASE_URL, LOG_LEVEL: 'verbose' }));
    expect(error.message).toContain(
      'LOG_LEVEL must be one of debug, info, warn, error (got "verbose")',
    );
  });

  it('names a bad boolean instead of guessing', () => {
    const error = configErrorOf(() =>
      loadSchedulerConfig({ DATABASE_URL, SCHED_STICKY_ESCAPE_ENABLED: 'yes' }),
    );
    expect(error.message).toContain(
      'SCHED_STICKY_ESCAPE_ENABLED must be one of true, false, 1, 0 (got "yes")',
    );
  });

  it('names a credential key of the wrong length without echoing it', () => {
    const shortKey = Buffer.alloc(16, 9).toString('base64');
    const error = configErrorOf(() =>
      loadGatewayConfig({ ...gatewayEnv, CREDENTIAL_KEY: shortKey }),
    );
    expect(error.message).toContain('CREDENTIAL_KEY must be base64 of exactly 32 bytes');
    expect(error.message).not.toContain(shortKey);
  });

  it('refuses a credential key with characters outside base64', () => {
    const key = `${CREDENTIAL_KEY.slice(0, -4)}!!!=`;
    const error = configErrorOf(() => loadGatewayConfig({ ...gatewayEnv, CREDENTIAL_KEY: key }));
    expect(error.variables).toEqual(['CREDENTIAL_KEY']);
  });

  it('names a short admin token without echoing it', () => {
    const error = configErrorOf(() => loadGatewayConfig({ ...gatewayEnv, ADMIN_TOKEN: 'hunter2' }));
    expect(error.message).toContain('ADMIN_TOKEN must be a string of at least 16 characters');
    expect(error.message).not.toContain('hunter2');
  });

  it('names a missing DATABASE_URL in every service', () => {
    for (const load of [
      () => loadGatewayConfig({ ADMIN_TOKEN, CREDENTIAL_KEY }),
      () => loadSchedulerConfig({}),
      () => loadSnapshotBuilderConfig({}),
      () => loadMetricsAggregatorConfig({}),
      () => loadMigrateConfig({}),
    ]) {
      const error = configErrorOf(load);
      expect(error.variables).toEqual(['DATABASE_URL']);
      expect(error.message).toContain('DATABASE_URL is missing');
    }
  });

  it('does not echo a DATABASE_URL that may hold a password', () => {
    const error = configErrorOf(() => loadMigrateConfig({ DATABASE_URL: 'mysql://u:s3cret@db/x' }));
    expect(error.message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(error.message).not.toContain('s3cret');
  });

  it('names a bad cron expression', () => {
    const error = configErrorOf(() =>
      loadMetricsAggregatorConfig({ DATABASE_URL, REPORT_DAILY_SUMMARY_CRON: '0 25 * * *' }),
    );
    expect(error.message).toContain('REPORT_DAILY_SUMMARY_CRON must be a 5-field cron expression');
  });

  it('names every offending variable at once, in declaration order', () => {
    const error = configErrorOf(() =>
      loadGatewayConfig({
        CREDENTIAL_KEY: 'too-short',
        LOG_LEVEL: 'loud',
        SCHEDULER_TIMEOUT_MS: 'soon',
      }),
    );
    expect(error.variables).toEqual([
      'LOG_LEVEL',
      'DATABASE_URL',
      'ADMIN_TOKEN',
      'CREDENTIAL_KEY',
      'SCHEDULER_TIMEOUT_MS',
    ]);
    for (const variable of error.variables) expect(error.message).toContain(variable);
    expect(error.problems).toHaveLength(5);
  });
});
