/**
 * Value sets of text columns that `@switchyard/domain` does not define (platform, account
 * type and account status come from there). Mirrors the CHECK constraints in the migrations.
 */

/** Status of users, groups and API keys. */
export const EntityStatus = { Active: 'active', Disabled: 'disabled' } as const;
export type EntityStatus = (typeof EntityStatus)[keyof typeof EntityStatus];

/** Who an error is attributed to in ops_error_logs. */
export const ErrorOwner = { Client: 'client', Provider: 'provider', Platform: 'platform' } as const;
export type ErrorOwner = (typeof ErrorOwner)[keyof typeof ErrorOwner];
