import { armFaults } from './armed-faults.js';
import type { ArmedFault } from './armed-faults.js';
import { DEFAULT_BEHAVIOUR, resolveBehaviour } from './behaviour.js';
import type { Behaviour, BehaviourInput } from './behaviour.js';
import { BoundedMap } from './bounded-map.js';
import { OAuthTokens } from './oauth-tokens.js';
import { RequestLog } from './request-log.js';
import { ResponseStore } from './response-store.js';

/** The behaviour in force for one credential, with its fault counters. */
export interface CredentialState {
  readonly behaviour: Behaviour;
  readonly armed: ArmedFault[];
  readonly configured: boolean;
}

export interface SimStateOptions {
  readonly defaults?: BehaviourInput;
  /** Epoch ms; token expiry and reset headers use it. */
  readonly clock?: () => number;
  /** [0, 1); fault probabilities draw from it. */
  readonly random?: () => number;
  readonly logCapacity?: number;
}

// Unconfigured credentials only need their own state when default faults count down.
const UNCONFIGURED_CAPACITY = 10_000;

/** Everything the sim remembers between requests. */
export class SimState {
  readonly log: RequestLog;
  readonly tokens = new OAuthTokens();
  readonly responses = new ResponseStore();
  readonly clock: () => number;
  readonly random: () => number;
  readonly #initialDefaults: Behaviour;
  #defaults: Behaviour;
  #sharedDefault: CredentialState;
  readonly #configured = new Map<string, CredentialState>();
  readonly #unconfigured = new BoundedMap<string, CredentialState>(UNCONFIGURED_CAPACITY);

  constructor(options: SimStateOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = new RequestLog(options.logCapacity);
    this.#initialDefaults = resolveBehaviour(options.defaults ?? {}, DEFAULT_BEHAVIOUR);
    this.#defaults = this.#initialDefaults;
    this.#sharedDefault = this.#defaultState();
  }

  get defaults(): Behaviour {
    return this.#defaults;
  }

  #defaultState(): CredentialState {
    return {
      behaviour: this.#defaults,
      armed: armFaults(this.#defaults.faults),
      configured: false,
    };
  }

  stateFor(credential: string): CredentialState {
    const configured = this.#configured.get(credential);
    if (configured !== undefined) return configured;
    if (!this.#defaults.faults.some((f) => f.times !== undefined || f.once === true)) {
      return this.#sharedDefault;
    }
    let state = this.#unconfigured.get(credential);
    if (state === undefined) {
      state = this.#defaultState();
      this.#unconfigured.set(credential, state);
    }
    return state;
  }

  isConfigured(credential: string): boolean {
    return this.#configured.has(credential);
  }

  configure(credential: string, input: BehaviourInput): Behaviour {
    const behaviour = resolveBehaviour(input, this.#defaults);
    this.#configured.set(credential, {
      behaviour,
      armed: armFaults(behaviour.faults),
      configured: true,
    });
    this.#unconfigured.delete(credential);
    this.tokens.forgetRoot(credential);
    return behaviour;
  }

  unconfigure(credential: string): void {
    this.#configured.delete(credential);
    this.#unconfigured.delete(credential);
    this.tokens.forgetRoot(credential);
  }

  setDefaults(input: BehaviourInput): Behaviour {
    this.#defaults = resolveBehaviour(input, DEFAULT_BEHAVIOUR);
    this.#sharedDefault = this.#defaultState();
    this.#unconfigured.clear();
    return this.#defaults;
  }

  reset(): void {
    this.#defaults = this.#initialDefaults;
    this.#sharedDefault = this.#defaultState();
    this.#configured.clear();
    this.#unconfigured.clear();
    this.tokens.clear();
    this.responses.clear();
    this.log.clear();
  }
}
