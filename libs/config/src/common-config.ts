import type { ConfigVariable } from './config-variable.js';
import { durationMsVar, enumVar, intVar, stringVar, urlListVar, urlVar } from './variable-kinds.js';
import { hostname } from 'node:os';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TRACES_EXPORTERS = ['none', 'console'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

/** Settings every service reads. */
export interface CommonConfig {
  /** NATS servers to connect to (`NATS_URL`; several seeds of one cluster when comma-separated). */
  readonly natsServers: readonly string[];
  /** Redis connection URL (`REDIS_URL`), possibly with password and database number. */
  readonly redisUrl: string;
  /** Prefix of every Redis key Switchyard writes (`REDIS_KEY_PREFIX`). */
  readonly redisKeyPrefix: string;
  /** Lowest log level written (`LOG_LEVEL`). */
  readonly logLevel: LogLevel;
  /** Address the HTTP server listens on (`HTTP_HOST`). */
  readonly httpHost: string;
  /** Port of the HTTP server: API, probes and `/metrics` (`HTTP_PORT`; 0 picks a free port). */
  readonly httpPort: number;
  /** Time allowed for a graceful shutdown before exiting with code 1 (`SHUTDOWN_TIMEOUT_MS`). */
  readonly shutdownTimeoutMs: number;
  /** Identifies this replica in logs, metric labels, traces and lock ownership (`SERVICE_INSTANCE_ID`). */
  readonly instanceId: string;
  /** Where finished spans go (`OTEL_TRACES_EXPORTER`); context is propagated either way. */
  readonly tracesExporter: TracesExporter;
  /** Postgres connection URL, the source of truth (`DATABASE_URL`). */
  readonly databaseUrl: string;
}

/** `DATABASE_URL`, shared with the migration runner. */
export const databaseUrlVariable = urlVar({
  name: 'DATABASE_URL',
  description:
    'Postgres connection URL (`postgres://user:password@host:5432/db`), the source of truth for accounts, keys, usage and metrics.',
  protocols: ['postgres', 'postgresql'],
  secret: true,
});

/** The common variables except `HTTP_PORT`, whose default differs per service. */
export const commonVariables = {
  natsServers: urlListVar({
    name: 'NATS_URL',
    description:
      'NATS server URL; a comma-separated list gives several seed servers of one cluster.',
    default: 'nats://127.0.0.1:4222',
    protocols: ['nats', 'tls'],
    secret: true,
  }),
  redisUrl: urlVar({
    name: 'REDIS_URL',
    description:
      'Redis connection URL (`rediss://` for TLS); it may carry a password and a database number.',
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis', 'rediss'],
    secret: true,
  }),
  redisKeyPrefix: stringVar({
    name: 'REDIS_KEY_PREFIX',
    description:
      'Prefix of every Redis key Switchyard writes, so one Redis can serve several environments.',
    default: 'sy:',
    pattern: /^\S+$/,
    patternText: 'a prefix without whitespace',
  }),
  logLevel: enumVar({
    name: 'LOG_LEVEL',
    description: 'Lowest level written to the JSON log on stdout.',
    default: 'info',
    values: LOG_LEVELS,
  }),
  httpHost: stringVar({
    name: 'HTTP_HOST',
    description: 'Address the HTTP server (API, probes and `/metrics`) listens on.',
    default: '0.0.0.0',
  }),
  shutdownTimeoutMs: durationMsVar({
    name: 'SHUTDOWN_TIMEOUT_MS',
    description:
      'On SIGTERM or SIGINT, time allowed to finish in-flight work and close connections before exiting with code 1; keep it below the orchestrator grace period (Kubernetes: 30 s).',
    default: '10000',
    min: 1,
  }),
  instanceId: stringVar({
    name: 'SERVICE_INSTANCE_ID',
    description:
      'Identifies this replica in logs, metric labels, traces and lock ownership; the Kubernetes manifests set it to the pod name.',
    default: { describe: '<hostname>-<pid>', compute: () => `${hostname()}-${process.pid}` },
    pattern: /^[A-Za-z0-9._-]+$/,
    patternText: 'letters, digits, dots, underscores and dashes',
  }),
  tracesExporter: enumVar({
    name: 'OTEL_TRACES_EXPORTER',
    description:
      'Where finished spans go: `none` still creates spans and propagates trace context through HTTP and NATS headers; `console` also prints spans to stdout, for debugging.',
    default: 'none',
    values: TRACES_EXPORTERS,
  }),
  databaseUrl: databaseUrlVariable,
} as const;

/** `HTTP_PORT` with the service's own default, so all four can run side by side on one host. */
export function httpPortVariable(defaultPort: number): ConfigVariable<number> {
  return intVar({
    name: 'HTTP_PORT',
    description:
      'Port of the HTTP server (API, `/healthz`, `/readyz`, `/metrics`); 0 picks a free port.',
    default: String(defaultPort),
    min: 0,
    max: 65535,
  });
}
