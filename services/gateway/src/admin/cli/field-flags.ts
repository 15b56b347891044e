import { CliUsageError } from './cli-usage-error.js';

/** How a flag's text becomes a JSON value in the request body. */
export type FieldKind = 'string' | 'int' | 'number' | 'bool' | 'json' | 'ids';

/** A body field settable by a flag; `nullable` fields also accept `null` to clear them. */
export type FieldFlag = {
  readonly flag: string;
  readonly field: string;
  readonly kind: FieldKind;
  readonly nullable?: boolean;
};

function convert(spec: FieldFlag, text: string): unknown {
  if (spec.nullable === true && text === 'null') return null;
  switch (spec.kind) {
    case 'string':
      return text;
    case 'int':
    case 'number': {
      const n = Number(text);
      if (
        text.trim() === '' ||
        !Number.isFinite(n) ||
        (spec.kind === 'int' && !Number.isInteger(n))
      ) {
        throw new CliUsageError(
          `--${spec.flag} must be ${spec.kind === 'int' ? 'an integer' : 'a number'}`,
        );
      }
      return n;
    }
    case 'bool':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new CliUsageError(`--${spec.flag} must be true or false`);
    case 'ids':
      return text === ''
        ? []
        : text.split(',').map((part) => {
            const n = Number(part.trim());
            if (!Number.isInteger(n) || n <= 0) {
              throw new CliUsageError(`--${spec.flag} must be comma-separated ids`);
            }
            return n;
          });
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // Never echo the text: it may be a credential.
        throw new CliUsageError(`--${spec.flag} must be valid JSON`);
      }
  }
}

/** The body fields named by `flags`, converted; flags not in `specs` are left for the caller. */
export function bodyFromFlags(
  specs: readonly FieldFlag[],
  flags: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const spec of specs) {
    const text = flags.get(spec.flag);
    if (text !== undefined) body[spec.field] = convert(spec, text);
  }
  return body;
}

export const ACCOUNT_FIELDS: readonly FieldFlag[] = [
  { flag: 'name', field: 'name', kind: 'string' },
  { flag: 'platform', field: 'platform', kind: 'string' },
  { flag: 'type', field: 'type', kind: 'string' },
  { flag: 'base-url', field: 'baseUrl', kind: 'string', nullable: true },
  { flag: 'concurrency', field: 'concurrency', kind: 'int' },
  { flag: 'priority', field: 'priority', kind: 'int' },
  { flag: 'status', field: 'status', kind: 'string' },
  { flag: 'schedulable', field: 'schedulable', kind: 'bool' },
  { flag: 'model-mapping', field: 'modelMapping', kind: 'json', nullable: true },
  { flag: 'mixed-scheduling', field: 'mixedScheduling', kind: 'bool' },
  { flag: 'expires-at', field: 'expiresAt', kind: 'string', nullable: true },
  { flag: 'group-ids', field: 'groupIds', kind: 'ids' },
];

export const GROUP_FIELDS: readonly FieldFlag[] = [
  { flag: 'name', field: 'name', kind: 'string' },
  { flag: 'platform', field: 'platform', kind: 'string' },
  { flag: 'description', field: 'description', kind: 'string' },
  { flag: 'status', field: 'status', kind: 'string' },
];

export const API_KEY_FIELDS: readonly FieldFlag[] = [
  { flag: 'name', field: 'name', kind: 'string' },
  { flag: 'group-id', field: 'groupId', kind: 'int', nullable: true },
  { flag: 'user-id', field: 'userId', kind: 'int', nullable: true },
  { flag: 'status', field: 'status', kind: 'string' },
  { flag: 'expires-at', field: 'expiresAt', kind: 'string', nullable: true },
  { flag: 'quota-usd', field: 'quotaLimitUsd', kind: 'number', nullable: true },
  { flag: 'quota-tokens', field: 'quotaTokensLimit', kind: 'int', nullable: true },
  { flag: 'concurrency-limit', field: 'concurrencyLimit', kind: 'int', nullable: true },
  { flag: 'rpm-limit', field: 'rpmLimit', kind: 'int', nullable: true },
];

/** List filters, sent as query parameters. */
export const LIST_FILTERS: Readonly<Record<string, readonly string[]>> = {
  accounts: ['platform', 'group-id'],
  groups: ['platform'],
  'api-keys': ['group-id', 'user-id'],
};
