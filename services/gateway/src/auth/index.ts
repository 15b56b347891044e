export { extractApiKey } from './extract-api-key.js';
export type { HeaderBag } from './extract-api-key.js';
export type { ApiKeyPrincipal } from './api-key-principal.js';
export { loadApiKeyPrincipal } from './load-api-key-principal.js';
export { AuthRefusalReason, authRefusal } from './auth-refusal.js';
export { checkApiKey } from './check-api-key.js';
export { TtlCache } from './ttl-cache.js';
export { ApiKeyLookup } from './api-key-lookup.js';
export type { ApiKeyLookupOptions } from './api-key-lookup.js';
export { acquireKeyLimits } from './key-limits.js';
export type { KeyLimitHold, KeyLimitInput } from './key-limits.js';
export { authenticateRequest } from './authenticate-request.js';
export type {
  AuthenticateRequestDeps,
  AuthenticateRequestInput,
  AuthenticatedRequest,
} from './authenticate-request.js';
export { authOf } from './auth-context.js';
export type { AuthContext } from './auth-context.js';
export { authenticate } from './authenticate.js';
export type { AuthDeps } from './authenticate.js';
