export type OutgoingHeaders = Record<string, string | number>;

/** One piece of a streamed body; `delta` marks the frames that carry one output token. */
export interface StreamFrame {
  readonly text: string;
  readonly delta: boolean;
}

/** A whole JSON answer (an answer, a list or an error). */
export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  readonly headers: OutgoingHeaders;
  readonly body: unknown;
  /** Output tokens it stands for: the answer waits as long as streaming them would. 0: at once. */
  readonly tokens: number;
}

/** A streamed answer, written frame by frame. */
export interface StreamReply {
  readonly kind: 'stream';
  readonly status: number;
  readonly headers: OutgoingHeaders;
  readonly frames: readonly StreamFrame[];
}

export type Reply = JsonReply | StreamReply;

export function jsonReply(
  status: number,
  body: unknown,
  headers: OutgoingHeaders = {},
  tokens = 0,
): JsonReply {
  return { kind: 'json', status, headers, body, tokens };
}
