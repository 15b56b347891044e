import { SessionSource, sessionDigest, textForHash } from './session-digest.js';

/**
 * The session of a Gemini generateContent request (README, "Session stickiness"): a stable
 * hash of the model, the system instruction and the first turn — what every later request of
 * the same conversation repeats unchanged. Undefined when there are no contents.
 */
export function geminiSessionHash(
  model: string,
  body: Readonly<Record<string, unknown>>,
): string | undefined {
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return undefined;
  const system = body.systemInstruction ?? body.system_instruction;
  return sessionDigest(SessionSource.ContentSeed, [
    model,
    textForHash(system),
    textForHash(contents[0]),
  ]);
}
