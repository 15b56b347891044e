import { Router } from 'express';
import type { Request, Response } from 'express';
import type { AccountEventInput } from '@switchyard/bus';
import {
  createAccount,
  deleteAccount,
  getAccount,
  listAccounts,
  setAccountGroups,
  updateAccount,
} from '@switchyard/db';
import type { AccountPatch, AccountRecord } from '@switchyard/db';
import { PLATFORMS } from '@switchyard/domain';
import { z } from 'zod';
import type { AdminDeps } from './admin-deps.js';
import { AdminValidationError } from './admin-validation-error.js';
import { announce } from './announce.js';
import { checkGroupsExist } from './check-references.js';
import { notFoundError } from './not-found-error.js';
import { parseId, parseInput } from './parse-input.js';
import {
  createAccountSchema,
  setGroupsSchema,
  setSchedulableSchema,
  updateAccountSchema,
} from './schemas/account-input.js';
import type { UpdateAccountInput } from './schemas/account-input.js';
import { credentialsSchemaFor } from './schemas/credentials.js';
import { translateDbError } from './translate-db-error.js';
import { accountView } from './views.js';

const listQuerySchema = z.object({
  platform: z.enum(PLATFORMS).optional(),
  groupId: z.coerce.number().int().positive().optional(),
});

function changed(accountId: number): AccountEventInput {
  return { type: 'account_changed', accountId };
}

function groupsChanged(accountId: number, groupIds: readonly number[]): AccountEventInput {
  return { type: 'account_groups_changed', accountId, groupIds: [...groupIds] };
}

async function existing(deps: AdminDeps, id: number): Promise<AccountRecord> {
  const account = await getAccount(deps.db, id);
  if (account === null) throw notFoundError('account', id);
  return account;
}

/** The row columns of a PATCH (group membership is applied separately). */
function accountPatch(
  deps: AdminDeps,
  input: Omit<UpdateAccountInput, 'groupIds'>,
  current: AccountRecord,
): AccountPatch {
  const { credentials, ...columns } = input;
  const patch: AccountPatch = { ...columns };
  const type = input.type ?? current.type;
  if (credentials !== undefined) {
    const plain = parseInput(credentialsSchemaFor(type), credentials, ['credentials']);
    patch.credentialsEncrypted = deps.cipher.encrypt(plain);
  } else if (type !== current.type) {
    throw new AdminValidationError([
      { path: 'credentials', message: `required when the type changes to ${type}` },
    ]);
  }
  return patch;
}

/**
 * `/accounts`: upstream accounts. Credentials are accepted on create and update, checked
 * against the account type, encrypted (AES-256-GCM) before they reach Postgres, and never
 * returned. Row changes announce `account_changed`, membership changes
 * `account_groups_changed`, runtime-state changes (clear rate limit, schedulable)
 * `account_state` so that schedulers apply them within milliseconds.
 */
export function accountsRoutes(deps: AdminDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.get('/', async (req: Request, res: Response) => {
    const query = parseInput(listQuerySchema, req.query);
    const accounts = await listAccounts(deps.db, query);
    res.json({ data: accounts.map(accountView) });
  });

  router.post('/', async (req: Request, res: Response) => {
    const { credentials, groupIds = [], ...columns } = parseInput(createAccountSchema, req.body);
    const plain = parseInput(credentialsSchemaFor(columns.type), credentials, ['credentials']);
    await checkGroupsExist(deps.db, groupIds, 'groupIds');
    const account = await createAccount(deps.db, {
      ...columns,
      credentialsEncrypted: deps.cipher.encrypt(plain),
      groups: groupIds,
    }).catch((err: unknown) => {
      throw translateDbError(err);
    });
    deps.logger?.info('admin created account', {
      accountId: account.id,
      platform: account.platform,
    });
    await announce(deps, [
      changed(account.id),
      ...(groupIds.length > 0 ? [groupsChanged(account.id, account.groupIds)] : []),
    ]);
    res.status(201).json(accountView(account));
  });

  router.get('/:id', async (req: Request, res: Response) => {
    res.json(accountView(await existing(deps, parseId(req.params['id']))));
  });

  router.patch('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const input = parseInput(updateAccountSchema, req.body);
    const { groupIds, ...rowInput } = input;
    const current = await existing(deps, id);
    const patch = accountPatch(deps, rowInput, current);
    if (groupIds !== undefined) await checkGroupsExist(deps.db, groupIds, 'groupIds');
    const events: AccountEventInput[] = [];
    try {
      if (Object.keys(patch).length > 0) {
        if ((await updateAccount(deps.db, id, patch)) === null) throw notFoundError('account', id);
        events.push(changed(id));
      }
      if (groupIds !== undefined) {
        events.push(groupsChanged(id, await setAccountGroups(deps.db, id, groupIds)));
      }
    } catch (err) {
      throw translateDbError(err);
    }
    deps.logger?.info('admin updated account', { accountId: id, fields: Object.keys(input) });
    await announce(deps, events);
    res.json(accountView(await existing(deps, id)));
  });

  router.delete('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const current = await existing(deps, id);
    if (!(await deleteAccount(deps.db, id))) throw notFoundError('account', id);
    deps.logger?.info('admin deleted account', { accountId: id });
    await announce(deps, [
      ...(current.groupIds.length > 0 ? [groupsChanged(id, [])] : []),
      changed(id),
    ]);
    res.status(204).end();
  });

  router.put('/:id/groups', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const { groupIds } = parseInput(setGroupsSchema, req.body);
    await existing(deps, id);
    await checkGroupsExist(deps.db, groupIds, 'groupIds');
    const groupIdsNow = await setAccountGroups(deps.db, id, groupIds).catch((err: unknown) => {
      throw translateDbError(err);
    });
    await announce(deps, [groupsChanged(id, groupIdsNow)]);
    res.json(accountView(await existing(deps, id)));
  });

  // Lifts every cool-down the account is under: rate limit, overload, temporary
  // unschedulability. Observed "now", so a state event observed earlier that is still in
  // flight cannot put the limit back.
  router.post('/:id/clear-rate-limit', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const observedAt = now();
    const updated = await updateAccount(deps.db, id, {
      rateLimitResetAt: null,
      overloadUntil: null,
      tempUnschedulableUntil: null,
      tempUnschedulableReason: null,
      stateObservedAt: new Date(observedAt),
    });
    if (updated === null) throw notFoundError('account', id);
    deps.logger?.info('admin cleared account rate limit', { accountId: id });
    await announce(deps, [
      {
        type: 'account_state',
        accountId: id,
        rateLimitResetAt: null,
        overloadUntil: null,
        tempUnschedulableUntil: null,
        tempUnschedulableReason: null,
        observedAt,
      },
    ]);
    res.json(accountView(updated));
  });

  router.put('/:id/schedulable', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const { schedulable } = parseInput(setSchedulableSchema, req.body);
    const observedAt = now();
    const updated = await updateAccount(deps.db, id, {
      schedulable,
      stateObservedAt: new Date(observedAt),
    });
    if (updated === null) throw notFoundError('account', id);
    deps.logger?.info('admin set account schedulable', { accountId: id, schedulable });
    await announce(deps, [{ type: 'account_state', accountId: id, schedulable, observedAt }]);
    res.json(accountView(updated));
  });

  return router;
}
