import { Router } from 'express';
import type { Request, Response } from 'express';
import { createApiKey, deleteApiKey, generateApiKey, getApiKey, listApiKeys } from '@switchyard/db';
import type { ApiKeyRecord } from '@switchyard/db';
import { z } from 'zod';
import type { AdminDeps } from './admin-deps.js';
import { checkGroupsExist, checkUserExists } from './check-references.js';
import { notFoundError } from './not-found-error.js';
import { parseId, parseInput } from './parse-input.js';
import { createApiKeySchema, updateApiKeySchema } from './schemas/api-key-input.js';
import type { CreateApiKeyInput } from './schemas/api-key-input.js';
import { translateDbError } from './translate-db-error.js';
import { updateApiKey } from './update-api-key.js';
import { apiKeyView } from './views.js';

const listQuerySchema = z.object({
  groupId: z.coerce.number().int().positive().optional(),
  userId: z.coerce.number().int().positive().optional(),
});

function rethrow(err: unknown): never {
  throw translateDbError(err);
}

async function checkReferences(deps: AdminDeps, input: Partial<CreateApiKeyInput>) {
  if (input.groupId != null) await checkGroupsExist(deps.db, [input.groupId], 'groupId');
  if (input.userId != null) await checkUserExists(deps.db, input.userId, 'userId');
}

async function existing(deps: AdminDeps, id: number): Promise<ApiKeyRecord> {
  const key = await getApiKey(deps.db, id);
  if (key === null) throw notFoundError('API key', id);
  return key;
}

/**
 * `/api-keys`: client keys. The key itself appears once, in the answer to its creation; only
 * its SHA-256 hash is stored, and lists show the visible prefix. Keys are not account data,
 * so no account event; a change reaches this replica's key cache at once (onApiKeyChanged)
 * and the others within their cache TTL.
 */
export function apiKeysRoutes(deps: AdminDeps): Router {
  const router = Router();

  router.get('/', async (req: Request, res: Response) => {
    const keys = await listApiKeys(deps.db, parseInput(listQuerySchema, req.query));
    res.json({ data: keys.map(apiKeyView) });
  });

  router.post('/', async (req: Request, res: Response) => {
    const input = parseInput(createApiKeySchema, req.body);
    await checkReferences(deps, input);
    const generated = generateApiKey();
    const record = await createApiKey(deps.db, {
      ...input,
      keyHash: generated.keyHash,
      keyPrefix: generated.keyPrefix,
    }).catch(rethrow);
    deps.logger?.info('admin created API key', {
      apiKeyId: record.id,
      keyPrefix: record.keyPrefix,
    });
    res.status(201).json({ ...apiKeyView(record), key: generated.key });
  });

  router.get('/:id', async (req: Request, res: Response) => {
    res.json(apiKeyView(await existing(deps, parseId(req.params['id']))));
  });

  router.patch('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const input = parseInput(updateApiKeySchema, req.body);
    await checkReferences(deps, input);
    const record = await updateApiKey(deps.db, id, input).catch(rethrow);
    if (record === null) throw notFoundError('API key', id);
    deps.onApiKeyChanged?.(record.keyHash);
    deps.logger?.info('admin updated API key', { apiKeyId: id, fields: Object.keys(input) });
    res.json(apiKeyView(record));
  });

  router.delete('/:id', async (req: Request, res: Response) => {
    const id = parseId(req.params['id']);
    const record = await existing(deps, id);
    if (!(await deleteApiKey(deps.db, id))) throw notFoundError('API key', id);
    deps.onApiKeyChanged?.(record.keyHash);
    deps.logger?.info('admin deleted API key', { apiKeyId: id });
    res.status(204).end();
  });

  return router;
}
