import type { IncomingHttpHeaders } from 'node:http';

// What a client may need from the upstream's answer: its type and the vendor's request id
// (support tickets quote it). Everything else — rate-limit counters, cookies, organisation
// ids — describes our account, not the client's, and stays here.
const PASSED = ['content-type', 'request-id', 'x-request-id'] as const;

/** The upstream headers the client gets, plus `extra`. */
export function clientHeaders(
  upstream: IncomingHttpHeaders,
  extra: Record<string, string | number>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const name of PASSED) {
    const v = upstream[name];
    if (typeof v === 'string') out[name] = v;
  }
  return Object.assign(out, extra);
}
