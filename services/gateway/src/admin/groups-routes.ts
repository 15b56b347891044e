import { Router } from 'express';
import type { Request, Response } from 'express';
import type { AccountEventInput } from '@switchyard/bus';
import {
  createGroup,
  deleteGroup,
  getGroup,
  listAccounts,
  listGroups,
  updateGroup,
} from '@switchyard/db';
import { PLATFORMS } from '@switchyard/domain';
import { z } from 'zod';
import type { AdminDeps } from './admin-deps.js';
import { announce } from './announce.js';
import { notFoundError } from './not-found-error.js';
import { parseId, parseInput } from './parse-input.js';
import { createGroupSchema, updateGroupSchema } from './schemas/group-input.js';
import { translateDbError } from './translate-db-error.js';
import { groupView } from './views.js';

const listQuerySchema = z.object({ platform: z.enum(PLATFORMS).optional() });

function groupChanged(groupId: number): AccountEventInput {
  return { type: 'group_changed', groupId };
}

function rethrow(err: unknown): never {
  throw translateDbError(err);
}

/**
 * `/groups`: the pools API keys are bound to. Every change announces `group_changed`; deleting
 * a group also tells each former member its new membership (`account_groups_changed`), since
 * the database drops their links with it.
 */
export function groupsRoutes(deps: AdminDeps): Router {
  const router = Router();

  router.get('/', async (req: Request, res: Response) => {
    const groups = await listGroups(deps.db, parseInput(listQuerySchema, req.query));
    res.json({ data: groups.map(groupView) });
  });

  router.post('/', async (req: Request, res: Response) => {
    const input = parseInput(createGroupSchema, req.body);
    const group = await createGroup(deps.db, input).catch(rethrow);
    deps.logger?.info('admin created group', { groupId: group.id, platform: group.platform });
    await announce(deps, [groupChanged(group.id)]);
    res.status(201).json(groupView(group));
  });

  router.get('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const group = await getGroup(deps.db, id);
    if (group === null) throw notFoundError('group', id);
    res.json(groupView(group));
  });

  router.patch('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const input = parseInput(updateGroupSchema, req.body);
    const group = await updateGroup(deps.db, id, input).catch(rethrow);
    if (group === null) throw notFoundError('group', id);
    deps.logger?.info('admin updated group', { groupId: id, fields: Object.keys(input) });
    await announce(deps, [groupChanged(id)]);
    res.json(groupView(group));
  });

  router.delete('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const members = await listAccounts(deps.db, { groupId: id });
    if (!(await deleteGroup(deps.db, id).catch(rethrow))) throw notFoundError('group', id);
    deps.logger?.info('admin deleted group', { groupId: id, members: members.length });
    await announce(deps, [
      groupChanged(id),
      ...members.map((account): AccountEventInput => ({
        type: 'account_groups_changed',
        accountId: account.id,
        groupIds: account.groupIds.filter((groupId) => groupId !== id),
      })),
    ]);
    res.status(204).end();
  });

  return router;
}
