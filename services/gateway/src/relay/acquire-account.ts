import type { SelectOptions } from '@switchyard/bus';
import type {
  SelectRequestInput,
  SelectResult,
  SelectedAccount,
  WaitPlan,
} from '@switchyard/contracts';
import type { SlotClient } from '@switchyard/redis';
import { GatewayError } from '../errors/index.js';
import { SelectOutcome } from '../metric-labels.js';
import { ClientGoneError, onAbort, type ClientSignal } from './client-signal.js';
import { selectFailure } from './scheduler-errors.js';

/** The scheduler calls the relay makes (structurally the bus's SchedulerClient). */
export type AccountSelector = {
  select(req: SelectRequestInput, options?: SelectOptions): Promise<SelectResult>;
};

/** An account with a slot held for this attempt. */
export type AcquiredAccount = {
  readonly account: SelectedAccount;
  readonly token: string;
  readonly expiresAt: number;
  readonly layer: SelectResult['decision']['layer'];
};

export type WaitObserver = {
  /** A wait began (the relay starts keep-alive pings on a stream). */
  readonly onWaitStart?: () => void;
  /** The wait ended, with or without a slot. */
  readonly onWaitEnd?: () => void;
};

/** Told how long each scheduler round trip took (GatewayMetrics). */
export type SelectObserver = {
  selected(outcome: SelectOutcome, startedAt: number): void;
};

export type AcquireDeps = {
  readonly scheduler: AccountSelector;
  readonly slots: SlotClient;
  readonly metrics?: SelectObserver;
  readonly now?: () => number;
};

// 25 ms doubling to 250 ms: a slot usually frees within one upstream call (hundreds of ms), so
// the first retries come quickly; the cap bounds both the extra wait after a slot frees and the
// polling (a queue of 100 waiters costs ~400 Redis calls/s, nothing for Redis).
const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 250;

/**
 * Asks the scheduler for an account and a slot. A wait plan is honoured: join the account's
 * waiting set (refused when `maxWaiting` already wait → 429), then try for a slot with backoff
 * until the plan's timeout (→ 429). The slot token is the request id, as the scheduler uses.
 *
 * A client that goes away during the select is noticed when its answer arrives (a select takes
 * about a millisecond, its timeout bounds it): the slot the scheduler took for it is released
 * at once and ClientGoneError thrown. Not abandoning the select midway is what lets the slot be
 * released — the scheduler takes it whether or not anyone still waits for the answer. During a
 * wait the client's going ends the wait at once.
 */
export async function acquireAccount(
  deps: AcquireDeps,
  input: SelectRequestInput,
  signal: ClientSignal,
  observer: WaitObserver = {},
): Promise<AcquiredAccount> {
  let result: SelectResult;
  const selectStart = performance.now();
  try {
    result = await deps.scheduler.select(input);
  } catch (err) {
    const failure = selectFailure(err);
    deps.metrics?.selected(
      failure.code === 'no_available_accounts' ? SelectOutcome.NoAccount : SelectOutcome.Error,
      selectStart,
    );
    throw failure;
  }
  deps.metrics?.selected(
    result.slot === undefined ? SelectOutcome.WaitPlan : SelectOutcome.Slot,
    selectStart,
  );
  if (signal.aborted) {
    if (result.slot !== undefined) {
      // An unreleased slot expires by its TTL: a Redis failure here costs capacity, not safety.
      void deps.slots.release(result.account.id, result.slot.token).catch(() => false);
    }
    throw new ClientGoneError();
  }
  if (result.slot !== undefined) {
    return {
      account: result.account,
      token: result.slot.token,
      expiresAt: result.slot.expiresAt,
      layer: result.decision.layer,
    };
  }
  return waitForSlot(deps, input.requestId, result, result.waitPlan, signal, observer);
}

async function waitForSlot(
  deps: AcquireDeps,
  requestId: string,
  result: SelectResult,
  plan: WaitPlan,
  signal: ClientSignal,
  observer: WaitObserver,
): Promise<AcquiredAccount> {
  const now = deps.now ?? Date.now;
  let joined: boolean;
  try {
    joined = await deps.slots.enterWait(plan.accountId, requestId, {
      maxWaiting: plan.maxWaiting,
      timeoutMs: plan.timeoutMs,
    });
  } catch (cause) {
    throw new GatewayError('service_unavailable', 'The gateway cannot queue requests right now.', {
      cause,
    });
  }
  if (!joined) {
    throw new GatewayError(
      'rate_limited',
      'Too many requests are waiting for an upstream account; retry shortly.',
      {
        reason: 'wait_queue_full',
        businessLimited: true,
        retryAfterSeconds: 1,
      },
    );
  }
  observer.onWaitStart?.();
  try {
    const deadline = now() + plan.timeoutMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const held = await deps.slots.acquire(plan.accountId, requestId, plan.maxConcurrency);
      if (held !== null) {
        return {
          account: result.account,
          token: held.token,
          expiresAt: held.expiresAt,
          layer: result.decision.layer,
        };
      }
      const left = deadline - now();
      if (left <= 0) break;
      await sleep(Math.min(backoff, left), signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  } finally {
    observer.onWaitEnd?.();
    await deps.slots.leaveWait(plan.accountId, requestId).catch(() => false);
  }
  throw new GatewayError(
    'rate_limited',
    'Timed out waiting for a free upstream account; retry shortly.',
    {
      reason: 'wait_timeout',
      businessLimited: true,
      retryAfterSeconds: 1,
    },
  );
}

/** Resolves after `ms`, or rejects at once when the client goes away. */
function sleep(ms: number, signal: ClientSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ClientGoneError());
      return;
    }
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(new ClientGoneError());
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
}
