import type { Behaviour, BehaviourInput, Fault } from './behaviour.js';
import { parseBehaviour } from './parse-behaviour.js';
import type { RequestLogEntry, RequestLogFilter } from './request-log.js';
import type { SimState } from './sim-state.js';

/** A credential's behaviour and what is left of its counted faults. */
export interface CredentialView {
  readonly credential: string;
  /** false: the default behaviour applies. */
  readonly configured: boolean;
  readonly behaviour: Behaviour;
  /** remaining: null for faults without a count. */
  readonly faults: readonly { readonly fault: Fault; readonly remaining: number | null }[];
}

/**
 * Run-time control of the sim, the same operations as the `/_sim` HTTP API. Behaviour input
 * is validated (a bad one throws SimConfigError); fields left out take the default behaviour.
 */
export class SimControl {
  readonly #state: SimState;

  constructor(state: SimState) {
    this.#state = state;
  }

  /** Replaces a credential's behaviour (fresh fault counters). */
  setCredential(credential: string, behaviour: BehaviourInput = {}): Behaviour {
    return this.#state.configure(credential, parseBehaviour(behaviour));
  }

  getCredential(credential: string): CredentialView {
    const state = this.#state.stateFor(credential);
    return {
      credential,
      configured: state.configured,
      behaviour: state.behaviour,
      faults: state.armed.map((a) => ({ fault: a.fault, remaining: a.remaining })),
    };
  }

  /** Back to the default behaviour. */
  resetCredential(credential: string): void {
    this.#state.unconfigure(credential);
  }

  /** Replaces the behaviour of credentials that have none of their own. */
  setDefaults(behaviour: BehaviourInput): Behaviour {
    return this.#state.setDefaults(parseBehaviour(behaviour));
  }

  getDefaults(): Behaviour {
    return this.#state.defaults;
  }

  /** Forgets every credential, token, response id and logged request; restores the defaults. */
  reset(): void {
    this.#state.reset();
  }

  requests(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.#state.log.list(filter);
  }

  clearRequests(): void {
    this.#state.log.clear();
  }
}
