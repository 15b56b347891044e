/**
 * The object value of the last `"key": {…}` member in a JSON text, parsed, or undefined.
 *
 * Usage sits at the end of every vendor's answer (after the content), so reading it this way
 * costs a backwards search and a parse of a few hundred bytes instead of parsing the whole
 * answer — which can be megabytes. A key inside a string cannot match: quotes in JSON strings
 * are escaped. The last occurrence is the top-level one, since nested objects with the same
 * key (tool inputs) come earlier, inside the content.
 */
export function lastObjectMember(text: string, key: string): unknown {
  const needle = `"${key}"`;
  let at = text.lastIndexOf(needle);
  while (at >= 0) {
    let i = skipSpace(text, at + needle.length);
    if (text.charCodeAt(i) === 58 /* : */) {
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === 123 /* { */) {
        const end = matchingBrace(text, i);
        if (end < 0) return undefined;
        try {
          return JSON.parse(text.slice(i, end + 1)) as unknown;
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
    at = text.lastIndexOf(needle, at - 1);
  }
  return undefined;
}

/** The string value of the first `"key": "…"` member (e.g. a response id), or undefined. */
export function firstStringMember(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (match === null) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return undefined;
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Index of the `}` closing the object opened at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}
