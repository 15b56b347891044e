import { createHash } from 'node:crypto';
import type { KeyBuilder, KeyPart } from './key-builder.js';

/*
 * Keys derived from client-supplied strings (session hashes, response ids, request ids). Those
 * strings can be long or contain braces, which would move a key's hash tag, so anything that is
 * not short and plain is replaced by a digest. The gateway and the scheduler both build these
 * keys through here, so they always agree.
 */

// Plain enough to use as is: short, and nothing a key layout or a log line would trip over.
const PLAIN_PART = /^[A-Za-z0-9_.:=+-]{1,128}$/;

/** 128 bits of SHA-256 in base64url (22 characters): collision-free for any realistic volume. */
export function digestKeyPart(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/** `value` itself when it is short and plain, else `#` + its digest (`#` is never plain). */
export function safeKeyPart(value: string): string {
  return PLAIN_PART.test(value) ? value : `#${digestKeyPart(value)}`;
}

/** `{groupId, sessionHash} → account` binding key. */
export function sessionBindingKey(keys: KeyBuilder, groupId: KeyPart, sessionHash: string): string {
  return keys.sessionBinding(groupId, safeKeyPart(sessionHash));
}

/**
 * `{groupId, hash(responseId)} → account` binding key. Response ids are always hashed: they are
 * opaque upstream identifiers, and a fixed-length digest keeps keys small.
 */
export function responseBindingKey(keys: KeyBuilder, groupId: KeyPart, responseId: string): string {
  return keys.responseBinding(groupId, digestKeyPart(responseId));
}

/**
 * Which account currently holds the slot taken by the select of `requestId` (short-lived), so
 * a select retried after a lost reply returns the slot it already holds instead of taking a
 * second one.
 */
export function selectMarkerKey(keys: KeyBuilder, requestId: string): string {
  return keys.key('sel', safeKeyPart(requestId));
}
