/** Response headers as undici gives them (lower-case names). */
export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * When a 429'd account may be used again, read from what the vendor said, in this order:
 * 1. Anthropic unified limits: `anthropic-ratelimit-unified-reset` (epoch seconds), else the
 *    latest rejected window's `anthropic-ratelimit-unified-<window>-reset`;
 * 2. OpenAI Codex usage windows: every exhausted `x-codex-<window>-used-percent` (≥ 100) and
 *    its `x-codex-<window>-reset-after-seconds` — the latest one counts;
 * 3. a reset in the body: Codex `resets_in_seconds` / `resets_at`, Google RetryInfo
 *    `retryDelay`, OpenAI "Please try again in 1.5s";
 * 4. OpenAI `x-ratelimit-reset-requests` / `-tokens` for an exhausted limit;
 * 5. `retry-after` (seconds or an HTTP date).
 * Returns epoch ms, or null when nothing says (the caller applies its fallback cool-down).
 */
export function rateLimitResetAt(
  headers: UpstreamHeaders,
  body: string,
  now: number,
): number | null {
  return (
    anthropicUnifiedReset(headers) ??
    codexWindowReset(headers, now) ??
    bodyReset(body, now) ??
    openAiLimitReset(headers, now) ??
    retryAfter(headers, now)
  );
}

function header(headers: UpstreamHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

function finite(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const UNIFIED_WINDOW_RESET = /^anthropic-ratelimit-unified-(.+)-reset$/;

function anthropicUnifiedReset(headers: UpstreamHeaders): number | null {
  const overall = finite(header(headers, 'anthropic-ratelimit-unified-reset'));
  if (overall !== undefined && overall > 0) return overall * 1000;
  let latest: number | null = null;
  for (const name of Object.keys(headers)) {
    const m = UNIFIED_WINDOW_RESET.exec(name);
    if (m === null) continue;
    if (header(headers, `anthropic-ratelimit-unified-${m[1]}-status`) !== 'rejected') continue;
    const at = finite(header(headers, name));
    if (at !== undefined && at > 0 && (latest === null || at * 1000 > latest)) latest = at * 1000;
  }
  return latest;
}

const CODEX_USED = /^x-codex-(.+)-used-percent$/;

function codexWindowReset(headers: UpstreamHeaders, now: number): number | null {
  let latest: number | null = null;
  for (const name of Object.keys(headers)) {
    const m = CODEX_USED.exec(name);
    if (m === null) continue;
    const used = finite(header(headers, name));
    if (used === undefined || used < 100) continue;
    const after = finite(header(headers, `x-codex-${m[1]}-reset-after-seconds`));
    if (after === undefined || after < 0) continue;
    const at = now + after * 1000;
    if (latest === null || at > latest) latest = at;
  }
  return latest;
}

const TRY_AGAIN_IN = /try again in (\d+(?:\.\d+)?)\s*(ms|s|m|h)\b/i;
const RETRY_DELAY = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/;
const RESETS_IN = /"resets_in_seconds"\s*:\s*(\d+(?:\.\d+)?)/;
const RESETS_AT = /"resets_at"\s*:\s*(\d+(?:\.\d+)?)/;

function bodyReset(body: string, now: number): number | null {
  if (body === '') return null;
  const resetsIn = RESETS_IN.exec(body);
  if (resetsIn !== null) return now + Number(resetsIn[1]) * 1000;
  const resetsAt = RESETS_AT.exec(body);
  if (resetsAt !== null) return Number(resetsAt[1]) * 1000;
  const delay = RETRY_DELAY.exec(body);
  if (delay !== null) return now + Number(delay[1]) * 1000;
  const tryAgain = TRY_AGAIN_IN.exec(body);
  if (tryAgain !== null) return now + Number(tryAgain[1]) * UNIT_MS[tryAgain[2]!.toLowerCase()]!;
  return null;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** OpenAI's `1h2m3.5s` / `20ms` durations, in ms; undefined when unreadable. */
export function parseOpenAiDuration(text: string): number | undefined {
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(DURATION_PART)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

function openAiLimitReset(headers: UpstreamHeaders, now: number): number | null {
  let latest: number | null = null;
  for (const kind of ['requests', 'tokens']) {
    if (finite(header(headers, `x-ratelimit-remaining-${kind}`)) !== 0) continue;
    const text = header(headers, `x-ratelimit-reset-${kind}`);
    const ms = text === undefined ? undefined : parseOpenAiDuration(text);
    if (ms !== undefined && (latest === null || now + ms > latest)) latest = now + ms;
  }
  return latest;
}

function retryAfter(headers: UpstreamHeaders, now: number): number | null {
  const text = header(headers, 'retry-after');
  if (text === undefined) return null;
  const seconds = finite(text);
  if (seconds !== undefined) return seconds >= 0 ? now + seconds * 1000 : null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : date;
}
