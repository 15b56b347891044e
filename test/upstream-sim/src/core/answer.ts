import type { Behaviour } from './behaviour.js';

// A fixed vocabulary: plain ASCII words, so a "token" is always one word and one delta.
const WORDS = [
  'switch',
  'yard',
  'signal',
  'track',
  'engine',
  'freight',
  'coupler',
  'junction',
  'ballast',
  'sleeper',
  'rail',
  'points',
  'siding',
  'depot',
  'tender',
  'boiler',
  'whistle',
  'lantern',
  'platform',
  'ticket',
  'porter',
  'timetable',
  'carriage',
  'wagon',
  'gauge',
  'bridge',
  'tunnel',
  'viaduct',
  'cutting',
  'embankment',
  'crossing',
  'gradient',
  'river',
  'valley',
  'harbour',
  'market',
  'granary',
  'mill',
  'quarry',
  'forest',
  'morning',
  'evening',
  'steady',
  'swift',
  'quiet',
  'bright',
  'amber',
  'silver',
  'north',
  'south',
  'east',
  'west',
  'upline',
  'downline',
  'loop',
  'spur',
  'lever',
  'frame',
  'block',
  'token',
  'staff',
  'shunt',
  'haul',
  'arrive',
] as const;

/** What the sim answers for one request, before any wire format. */
export interface Answer {
  /** All prompt tokens, cached ones included. */
  readonly inputTokens: number;
  /** The part of inputTokens read from the prompt cache. */
  readonly cachedInputTokens: number;
  /** One entry per output token, the first without and the others with a leading space. */
  readonly pieces: readonly string[];
  readonly text: string;
  /** The request's output limit cut the answer short. */
  readonly truncated: boolean;
}

export interface AnswerRequest {
  readonly credential: string;
  readonly model: string;
  /** All prompt text of the request, concatenated. */
  readonly inputText: string;
  /** Tokens of earlier context carried in (Responses previous_response_id). */
  readonly extraInputTokens?: number;
  /** Extra seed material (e.g. the previous response id). */
  readonly salt?: string;
  /** The request's own output limit, if it has one. */
  readonly maxOutputTokens: number | null;
}

/** FNV-1a, 32 bits: cheap and stable across runs and machines. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Input tokens of some prompt text: about four characters a token, at least one. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * The text inside a vendor content value: a string, an array of strings or parts with `text`
 * (or nested `content`, as in tool results), or a part itself.
 */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let out = '';
    for (const item of content) {
      const t = textOf(item);
      if (t !== '') out = out === '' ? t : `${out}\n${t}`;
    }
    return out;
  }
  if (typeof content === 'object' && content !== null) {
    const part = content as { text?: unknown; content?: unknown; parts?: unknown };
    if (typeof part.text === 'string') return part.text;
    if (part.content !== undefined) return textOf(part.content);
    if (part.parts !== undefined) return textOf(part.parts);
  }
  return '';
}

/**
 * The deterministic answer: the same credential, model and prompt always give the same words,
 * whether streamed or not.
 */
export function buildAnswer(request: AnswerRequest, behaviour: Behaviour): Answer {
  const limit = request.maxOutputTokens;
  const count =
    limit !== null && limit < behaviour.outputTokens ? Math.max(1, limit) : behaviour.outputTokens;
  let state =
    fnv1a(
      `${request.credential}\u0000${request.model}\u0000${request.salt ?? ''}\u0000${request.inputText}`,
    ) || 0x9e3779b9;
  const pieces: string[] = new Array<string>(count);
  for (let i = 0; i < count; i += 1) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const word = WORDS[(state >>> 0) % WORDS.length] as string;
    pieces[i] = i === 0 ? word : ` ${word}`;
  }
  const inputTokens = countTokens(request.inputText) + (request.extraInputTokens ?? 0);
  return {
    inputTokens,
    cachedInputTokens: Math.floor(inputTokens * behaviour.cachedInputFraction),
    pieces,
    text: pieces.join(''),
    truncated: count < behaviour.outputTokens,
  };
}
