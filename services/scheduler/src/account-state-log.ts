import { applyAccountState, isNewerState } from '@switchyard/domain';
import type { Account, AccountStatePatch } from '@switchyard/domain';

/**
 * The newest upstream state (`account_state` event) applied per account.
 *
 * Two jobs: refuse a state older than one already applied (events from several gateways can
 * arrive out of order), and re-apply recent states over a bucket that is (re)loaded, because a
 * snapshot or a Postgres read may predate the event — without this, a reload a few ms after a
 * rate-limit event would put the account back into rotation until the snapshot caught up.
 * States are kept for `replayWindowMs` after they were observed: long past the time the
 * snapshot builder needs to fold them into the snapshot, short enough that an admin change
 * made later is not overridden for long.
 */
export class AccountStateLog {
  readonly #replayWindowMs: number;
  readonly #latest = new Map<number, AccountStatePatch>();

  constructor(replayWindowMs: number) {
    this.#replayWindowMs = replayWindowMs;
  }

  /**
   * Records `patch` for the account if it is not older than the last one; returns whether it
   * should be applied.
   */
  accept(accountId: number, patch: AccountStatePatch, now: number): boolean {
    const last = this.#latest.get(accountId);
    if (!isNewerState(last?.observedAt ?? null, patch.observedAt)) return false;
    // A later patch that sets only some fields keeps the earlier ones for replay, as long as
    // those are recent themselves; an old state is not dragged along by every new one.
    const merge = last !== undefined && patch.observedAt - last.observedAt <= this.#replayWindowMs;
    this.#latest.set(accountId, merge ? { ...last, ...definedFields(patch) } : patch);
    this.#sweep(now);
    return true;
  }

  /** The account with its recent state re-applied (the same object when there is none). */
  replay(account: Account, now: number): Account {
    const patch = this.#latest.get(account.id);
    if (patch === undefined || now - patch.observedAt > this.#replayWindowMs) return account;
    return applyAccountState(account, patch);
  }

  get size(): number {
    return this.#latest.size;
  }

  #sweep(now: number): void {
    // Amortised: only when the log grew past a round number, so the event path stays O(1).
    if (this.#latest.size % 1024 !== 0) return;
    for (const [id, patch] of this.#latest) {
      if (now - patch.observedAt > this.#replayWindowMs) this.#latest.delete(id);
    }
  }
}

function definedFields(patch: AccountStatePatch): Partial<AccountStatePatch> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value;
  return out as Partial<AccountStatePatch>;
}
