import type { SelectOptions } from '@switchyard/bus';
import {
  SelectLayer,
  type SelectRequestInput,
  type SelectResult,
  type SelectedAccount,
  type WaitPlan,
} from '@switchyard/contracts';
import type { HeldSlot, SlotClient } from '@switchyard/redis';
import { GatewayError } from '../errors/index.js';
import { SelectOutcome } from '../metric-labels.js';
import { ClientGoneError, onAbort, type ClientSignal } from './client-signal.js';
import { selectFailure } from './scheduler-errors.js';
import type { LeaseSlotStock } from './lease-slot-stock.js';
import type { HeldLease, SessionLeases } from './session-leases.js';

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
  /** Taken under a session lease, without a select. */
  readonly leased: boolean;
  /**
   * When the session holds a lease on the account (used here or granted by this select), the
   * lease's `SessionLeases.mark()`: while nothing about the account is forgotten after it, a
   * slot the attempt ends well with may be kept for the session's next request
   * (LeaseSlotStock) rather than released. Null otherwise.
   */
  readonly leaseSince: number | null;
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
  /** Session leases granted by the scheduler; none are used or kept when absent. */
  readonly leases?: SessionLeases;
  /** Slots kept for leased sessions; a leased request without one takes its slot in Redis. */
  readonly leaseStock?: LeaseSlotStock;
  readonly now?: () => number;
};

// 25 ms doubling to 250 ms: a slot usually frees within one upstream call (hundreds of ms), so
// the first retries come quickly; the cap bounds both the extra wait after a slot frees and the
// polling (a queue of 100 waiters costs ~400 Redis calls/s, nothing for Redis).
const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 250;

/**
 * Asks the scheduler for an account and a slot — or, when the session holds a lease the
 * scheduler granted (SessionLeases), takes a slot of the leased account itself and skips the
 * select: one kept for the session (LeaseSlotStock), else one taken in Redis; a full account
 * ends the lease and the scheduler decides as usual. A lease the answer grants is kept for the
 * session's next requests. A wait plan is honoured: join the
 * account's waiting set (refused when `maxWaiting` already wait → 429), then try for a slot
 * with backoff until the plan's timeout (→ 429). The slot token is the request id, as the
 * scheduler uses.
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
  const leases = deps.leases ?? null;
  const leaseKey = leases?.keyOf(input) ?? null;
  if (leases !== null && leaseKey !== null) {
    const leased = await acquireLeased(deps, leases, leaseKey, input.requestId, signal);
    if (leased !== null) return leased;
  }
  let result: SelectResult;
  const since = leases?.mark() ?? 0;
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
    const granted =
      leases !== null &&
      leaseKey !== null &&
      result.lease !== undefined &&
      leases.grant(leaseKey, result.account, result.lease.ttlMs, since);
    return {
      account: result.account,
      token: result.slot.token,
      expiresAt: result.slot.expiresAt,
      layer: result.decision.layer,
      leased: false,
      leaseSince: granted ? since : null,
    };
  }
  return waitForSlot(deps, input.requestId, result, result.waitPlan, signal, observer);
}

/**
 * A slot of the session's leased account, taken in Redis under the request id (the account's
 * own concurrency is the limit, as in any acquire), or null to select instead: no live lease,
 * the account full (the lease ends: the scheduler decides between waiting and spilling), Redis
 * failing (the select path reports that properly), or an event about the account arriving
 * while the slot was being taken (the slot is given back: the event wins, as it would for a
 * select decided after it).
 */
async function acquireLeased(
  deps: AcquireDeps,
  leases: SessionLeases,
  key: string,
  requestId: string,
  signal: ClientSignal,
): Promise<AcquiredAccount | null> {
  const lease = leases.find(key);
  if (lease === null) return null;
  const { account } = lease;
  const started = performance.now();
  // A kept slot: no Redis call. Found with the lease in the same turn, so no event can come
  // between them; an event afterwards finds the slot held by this request, as after any acquire.
  const kept = deps.leaseStock?.take(account.id) ?? null;
  if (kept !== null) {
    deps.metrics?.selected(SelectOutcome.LeaseKept, started);
    return leasedSlot(deps, lease, kept, signal);
  }
  let held;
  try {
    held = await deps.slots.acquire(account.id, requestId, account.concurrency);
  } catch {
    held = null;
  }
  if (held === null) {
    leases.drop(key);
    return null;
  }
  if (leases.find(key) === null) {
    // Awaited: the select that follows may take a slot under the same token on this account.
    await deps.slots.release(account.id, held.token).catch(() => false);
    return null;
  }
  deps.metrics?.selected(SelectOutcome.Lease, started);
  return leasedSlot(deps, lease, held, signal);
}

function leasedSlot(
  deps: AcquireDeps,
  { account, since }: HeldLease,
  held: HeldSlot,
  signal: ClientSignal,
): AcquiredAccount {
  if (signal.aborted) {
    void deps.slots.release(account.id, held.token).catch(() => false);
    throw new ClientGoneError();
  }
  return {
    account,
    token: held.token,
    expiresAt: held.expiresAt,
    layer: SelectLayer.Session,
    leased: true,
    leaseSince: since,
  };
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
          leased: false,
          leaseSince: null,
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
