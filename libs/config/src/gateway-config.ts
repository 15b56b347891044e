import type { CommonConfig } from './common-config.js';
import { commonVariables, httpPortVariable } from './common-config.js';
import type { Env } from './env.js';
import { loadVariables } from './load-variables.js';
import { errorRulesVar, type UpstreamErrorRule } from './upstream-error-rules.js';
import { base64KeyVar, durationMsVar, intVar, stringVar, urlVar } from './variable-kinds.js';

/** One URL per upstream platform. */
export interface PlatformUrls {
  readonly anthropic: string;
  readonly openai: string;
  readonly gemini: string;
  readonly antigravity: string;
}

/** Configuration of the gateway: client API, admin API, upstream relay and failover. */
export interface GatewayConfig extends CommonConfig {
  /** Bearer token of the admin API, at least 16 characters (`ADMIN_TOKEN`). */
  readonly adminToken: string;
  /** 32-byte AES-256-GCM key encrypting upstream credentials at rest (`CREDENTIAL_KEY`). */
  readonly credentialKey: Buffer;
  /** Largest accepted client request body in bytes (`BODY_LIMIT_BYTES`). */
  readonly bodyLimitBytes: number;
  /** Wait for a scheduler reply to `sched.v1.select` (`SCHEDULER_TIMEOUT_MS`). */
  readonly schedulerTimeoutMs: number;
  /** Account switches allowed per request after failover-eligible errors (`MAX_ACCOUNT_SWITCHES`). */
  readonly maxAccountSwitches: number;
  /** The same limit for Gemini requests (`MAX_ACCOUNT_SWITCHES_GEMINI`). */
  readonly maxAccountSwitchesGemini: number;
  /** How long an account reported overloaded is left alone (`OVERLOAD_COOLDOWN_MINUTES`). */
  readonly overloadCooldownMinutes: number;
  /** Rate-limit cool-down when the upstream gives no reset time (`RATE_LIMIT_FALLBACK_COOLDOWN_SECONDS`). */
  readonly rateLimitFallbackCooldownSeconds: number;
  /** Upper bound of a rate-limit cool-down taken from upstream headers (`RATE_LIMIT_MAX_COOLDOWN_SECONDS`). */
  readonly rateLimitMaxCooldownSeconds: number;
  /**
   * Operator rules turning upstream errors (status + body keywords) into minutes of
   * temp-unschedulable, checked before the built-in rules (`UPSTREAM_ERROR_RULES`).
   */
  readonly upstreamErrorRules: readonly UpstreamErrorRule[];
  /** Time allowed to connect to an upstream (`UPSTREAM_CONNECT_TIMEOUT_MS`). */
  readonly upstreamConnectTimeoutMs: number;
  /** Time allowed until the first response byte from an upstream (`UPSTREAM_FIRST_BYTE_TIMEOUT_MS`). */
  readonly upstreamFirstByteTimeoutMs: number;
  /** Longest silence between two chunks of an upstream response (`UPSTREAM_IDLE_TIMEOUT_MS`). */
  readonly upstreamIdleTimeoutMs: number;
  /** How long a client API key lookup is cached in memory; 0 disables the cache (`API_KEY_CACHE_TTL_MS`). */
  readonly apiKeyCacheTtlMs: number;
  /** Session leases held at most; 0 never uses them (`SESSION_LEASES_MAX`). */
  readonly sessionLeasesMax: number;
  /** Slots kept per leased account for its sessions' next requests; 0 keeps none (`LEASE_SLOT_STOCK_MAX`). */
  readonly leaseSlotStockMax: number;
  /** Accounts with less concurrency get no lease slot stock (`LEASE_SLOT_STOCK_MIN_CONCURRENCY`). */
  readonly leaseSlotStockMinConcurrency: number;
  /** Upstream API base URLs without trailing slash (`UPSTREAM_BASE_URL_<PLATFORM>`). */
  readonly upstreamBaseUrls: PlatformUrls;
  /** OAuth token endpoints used to refresh OAuth accounts (`OAUTH_TOKEN_URL_<PLATFORM>`). */
  readonly oauthTokenUrls: PlatformUrls;
  /** Refresh an OAuth access token this long before it expires (`OAUTH_REFRESH_SKEW_SECONDS`). */
  readonly oauthRefreshSkewSeconds: number;
}

const HTTP = ['http', 'https'] as const;

/** The gateway's own variables (the common ones are in `commonVariables`). */
export const gatewayVariables = {
  httpPort: httpPortVariable(8080),
  adminToken: stringVar({
    name: 'ADMIN_TOKEN',
    description:
      'Bearer token of the admin API that manages accounts, groups and API keys; at least 16 characters (e.g. `openssl rand -hex 24`).',
    minLength: 16,
    secret: true,
  }),
  credentialKey: base64KeyVar({
    name: 'CREDENTIAL_KEY',
    description:
      'AES-256-GCM key encrypting upstream credentials (API keys, OAuth tokens) in Postgres: base64 of exactly 32 bytes (`openssl rand -base64 32`). Changing it makes stored credentials unreadable.',
    bytes: 32,
    secret: true,
  }),
  bodyLimitBytes: intVar({
    name: 'BODY_LIMIT_BYTES',
    description:
      'Largest accepted client request body in bytes (32 MiB: room for base64 images and long contexts); larger ones get 413.',
    default: '33554432',
    min: 1,
  }),
  schedulerTimeoutMs: durationMsVar({
    name: 'SCHEDULER_TIMEOUT_MS',
    description: 'How long the gateway waits for a scheduler reply to `sched.v1.select`.',
    default: '1000',
    min: 1,
  }),
  maxAccountSwitches: intVar({
    name: 'MAX_ACCOUNT_SWITCHES',
    description:
      'How many times one client request may move to another account after a failover-eligible upstream error before the error is returned.',
    default: '10',
    min: 0,
  }),
  maxAccountSwitchesGemini: intVar({
    name: 'MAX_ACCOUNT_SWITCHES_GEMINI',
    description: 'The same limit for requests on the Gemini platform.',
    default: '3',
    min: 0,
  }),
  overloadCooldownMinutes: intVar({
    name: 'OVERLOAD_COOLDOWN_MINUTES',
    description:
      'After an upstream reports an account overloaded (Anthropic 529), the account is not selected again for this many minutes.',
    default: '10',
    min: 1,
  }),
  rateLimitFallbackCooldownSeconds: intVar({
    name: 'RATE_LIMIT_FALLBACK_COOLDOWN_SECONDS',
    description:
      'Cool-down of a rate-limited account (429) when the upstream response gives no reset time.',
    default: '5',
    min: 1,
  }),
  rateLimitMaxCooldownSeconds: intVar({
    name: 'RATE_LIMIT_MAX_COOLDOWN_SECONDS',
    description:
      'Upper bound of a rate-limit cool-down read from upstream reset headers, so a wrong header cannot park an account for days.',
    default: '7200',
    min: 1,
  }),
  upstreamErrorRules: errorRulesVar({
    name: 'UPSTREAM_ERROR_RULES',
    description:
      'Operator rules checked before the built-in upstream error rules: a JSON list of `{statusCodes, keywords, minutes, name?}` (README, "Upstream errors and account state").',
    default: '[]',
  }),
  upstreamConnectTimeoutMs: durationMsVar({
    name: 'UPSTREAM_CONNECT_TIMEOUT_MS',
    description: 'Time allowed to open the TCP and TLS connection to an upstream.',
    default: '10000',
    min: 1,
  }),
  upstreamFirstByteTimeoutMs: durationMsVar({
    name: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
    description:
      'Time allowed from sending a request upstream to the first byte of its response; long because thinking models start late.',
    default: '300000',
    min: 1,
  }),
  upstreamIdleTimeoutMs: durationMsVar({
    name: 'UPSTREAM_IDLE_TIMEOUT_MS',
    description:
      'Longest silence allowed between two chunks of an upstream response before it is aborted.',
    default: '300000',
    min: 1,
  }),
  apiKeyCacheTtlMs: durationMsVar({
    name: 'API_KEY_CACHE_TTL_MS',
    description:
      'How long a client API key lookup is cached in memory; a revoked key keeps working on a replica for at most this long. 0 disables the cache.',
    default: '5000',
  }),
  sessionLeasesMax: intVar({
    name: 'SESSION_LEASES_MAX',
    description:
      "Session leases a replica holds at most (the oldest go first): a session's requests within a lease the scheduler granted (SCHED_SESSION_LEASE_MS) take their slot on the bound account straight in Redis instead of selecting. About 200 bytes each. 0 never uses leases: every request selects.",
    default: '50000',
    min: 0,
  }),
  leaseSlotStockMax: intVar({
    name: 'LEASE_SLOT_STOCK_MAX',
    description:
      "Slots a replica keeps, per account it holds session leases on, for those sessions' next requests: a leased request done with its slot puts it back instead of releasing it, and the next one takes it without a Redis call. Counted against the account's concurrency like any slot, given back within 2 s once the account is three quarters full, at once on any event about the account, and after 15 s unused. 0 keeps none: every leased request takes its slot in Redis.",
    default: '2',
    min: 0,
  }),
  leaseSlotStockMinConcurrency: intVar({
    name: 'LEASE_SLOT_STOCK_MIN_CONCURRENCY',
    description:
      'Accounts with a lower concurrency get no lease slot stock; the stock keeps at most one slot per this much concurrency (and LEASE_SLOT_STOCK_MAX).',
    default: '16',
    min: 1,
  }),
  baseUrlAnthropic: urlVar({
    name: 'UPSTREAM_BASE_URL_ANTHROPIC',
    description: 'Base URL of the Anthropic API (point it at a proxy or the upstream simulator).',
    default: 'https://api.anthropic.com',
    protocols: HTTP,
  }),
  baseUrlOpenai: urlVar({
    name: 'UPSTREAM_BASE_URL_OPENAI',
    description: 'Base URL of the OpenAI API.',
    default: 'https://api.openai.com',
    protocols: HTTP,
  }),
  baseUrlGemini: urlVar({
    name: 'UPSTREAM_BASE_URL_GEMINI',
    description: 'Base URL of the Gemini API (Google AI Studio).',
    default: 'https://generativelanguage.googleapis.com',
    protocols: HTTP,
  }),
  baseUrlAntigravity: urlVar({
    name: 'UPSTREAM_BASE_URL_ANTIGRAVITY',
    description: 'Base URL of the Antigravity API (Google Cloud Code).',
    default: 'https://cloudcode-pa.googleapis.com',
    protocols: HTTP,
  }),
  tokenUrlAnthropic: urlVar({
    name: 'OAUTH_TOKEN_URL_ANTHROPIC',
    description: 'OAuth token endpoint refreshing Anthropic (Claude) OAuth accounts.',
    default: 'https://console.anthropic.com/v1/oauth/token',
    protocols: HTTP,
  }),
  tokenUrlOpenai: urlVar({
    name: 'OAUTH_TOKEN_URL_OPENAI',
    description: 'OAuth token endpoint refreshing OpenAI (ChatGPT) OAuth accounts.',
    default: 'https://auth.openai.com/oauth/token',
    protocols: HTTP,
  }),
  tokenUrlGemini: urlVar({
    name: 'OAUTH_TOKEN_URL_GEMINI',
    description: 'OAuth token endpoint refreshing Gemini (Google) OAuth accounts.',
    default: 'https://oauth2.googleapis.com/token',
    protocols: HTTP,
  }),
  tokenUrlAntigravity: urlVar({
    name: 'OAUTH_TOKEN_URL_ANTIGRAVITY',
    description: 'OAuth token endpoint refreshing Antigravity (Google) OAuth accounts.',
    default: 'https://oauth2.googleapis.com/token',
    protocols: HTTP,
  }),
  oauthRefreshSkewSeconds: intVar({
    name: 'OAUTH_REFRESH_SKEW_SECONDS',
    description:
      'An OAuth access token is refreshed when it expires within this many seconds, so no request starts with a token about to expire.',
    default: '300',
    min: 0,
  }),
} as const;

/** Reads and validates the gateway configuration; throws ConfigError naming every bad variable. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const {
    baseUrlAnthropic,
    baseUrlOpenai,
    baseUrlGemini,
    baseUrlAntigravity,
    tokenUrlAnthropic,
    tokenUrlOpenai,
    tokenUrlGemini,
    tokenUrlAntigravity,
    ...flat
  } = loadVariables(env, { ...commonVariables, ...gatewayVariables });
  return {
    ...flat,
    upstreamBaseUrls: {
      anthropic: baseUrlAnthropic,
      openai: baseUrlOpenai,
      gemini: baseUrlGemini,
      antigravity: baseUrlAntigravity,
    },
    oauthTokenUrls: {
      anthropic: tokenUrlAnthropic,
      openai: tokenUrlOpenai,
      gemini: tokenUrlGemini,
      antigravity: tokenUrlAntigravity,
    },
  };
}
