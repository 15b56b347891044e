import type { UpstreamAccount } from '../credentials/upstream-account.js';
import type { Endpoint } from './endpoint.js';

/** Client request headers as node gives them (lower-case names). */
export type ClientHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Everything an adapter needs to address one upstream call. */
export type UpstreamCall = {
  readonly endpoint: Endpoint;
  readonly account: UpstreamAccount;
  /** `account.baseUrl ?? upstreamBaseUrls[platform]`, without a trailing slash. */
  readonly baseUrl: string;
  /** The API key or the (fresh) OAuth access token. */
  readonly secret: string;
  /** The model as sent upstream (after mapping); Gemini puts it in the path. */
  readonly upstreamModel: string | undefined;
  readonly stream: boolean;
  /** Gemini `alt=sse`: the stream is SSE rather than one JSON array. */
  readonly sse: boolean;
  readonly clientHeaders: ClientHeaders;
};

/** One HTTP call to make upstream. */
export type UpstreamTarget = {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
};

/** Builds upstream calls for the accounts of one platform: path, auth and vendor headers. */
export interface UpstreamAdapter {
  target(call: UpstreamCall): UpstreamTarget;
}

/** The endpoint cannot be served by this platform's accounts (e.g. Chat Completions on Gemini). */
export class UnsupportedEndpointError extends Error {
  override readonly name = 'UnsupportedEndpointError';
  readonly code = 'unsupported_endpoint';
  readonly retryable = false;
}

/** The first value of a client header, if any. */
export function clientHeader(headers: ClientHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
