import { readFileSync, readdirSync } from 'node:fs';

/** CPU time and run-queue wait of one process, summed over its threads. */
type Times = { cpuNs: number; waitNs: number };

/** What one call cost a process: CPU, and time its threads waited for a CPU. */
export type CallCost = { cpuUs: number; runQueueWaitUs: number };

/**
 * Where a timed section's CPU went, by process: the processes a call passes through (client,
 * responder, nats-server, redis-server) read from Linux's per-thread scheduler statistics
 * (`/proc/<pid>/task/<tid>/schedstat`: time on a CPU, time runnable but waiting for one). The
 * run-queue wait is what a latency tail on a machine with few cores is made of: a process that
 * has a message to handle but no CPU to run on. Elsewhere than Linux, `measure` yields null.
 */
export class ProcessCpu {
  readonly #pids: ReadonlyMap<string, number>;

  constructor(pids: Record<string, number>) {
    this.#pids = new Map(Object.entries(pids));
  }

  /** Runs `section`, then divides what each process spent during it by `calls`. */
  async measure<T>(
    calls: number,
    section: () => Promise<T>,
  ): Promise<{ result: T; costs: Record<string, CallCost> | null }> {
    const before = this.#sample();
    const result = await section();
    const after = this.#sample();
    if (before === null || after === null || calls <= 0) return { result, costs: null };
    const costs: Record<string, CallCost> = {};
    for (const [name, end] of after) {
      const start = before.get(name);
      if (start === undefined) continue;
      costs[name] = {
        // Never negative: a thread that ended meanwhile takes its times with it.
        cpuUs: Math.max(0, Math.round((end.cpuNs - start.cpuNs) / 1e3 / calls)),
        runQueueWaitUs: Math.max(0, Math.round((end.waitNs - start.waitNs) / 1e3 / calls)),
      };
    }
    return { result, costs };
  }

  #sample(): Map<string, Times> | null {
    const out = new Map<string, Times>();
    for (const [name, pid] of this.#pids) {
      const times = processTimes(pid);
      if (times === null) return null;
      out.set(name, times);
    }
    return out;
  }
}

/** One line for a bench note: each process's CPU per call, the total, and the run-queue wait. */
export function describeCosts(costs: Record<string, CallCost> | null): string {
  if (costs === null) return 'per-process CPU not measured (no /proc schedstat)';
  const entries = Object.entries(costs);
  const cpu = entries.map(([name, c]) => `${name} ${c.cpuUs}`).join(', ');
  const total = entries.reduce((sum, [, c]) => sum + c.cpuUs, 0);
  const wait = entries.reduce((sum, [, c]) => sum + c.runQueueWaitUs, 0);
  return `CPU per call: ${cpu} µs (${total} µs in all); ${wait} µs per call spent waiting for a CPU`;
}

function processTimes(pid: number): Times | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let cpuNs = 0;
  let waitNs = 0;
  for (const tid of tids) {
    let line: string;
    try {
      line = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const [onCpu, waiting] = line.trim().split(' ').map(Number);
    if (!Number.isFinite(onCpu) || !Number.isFinite(waiting)) return null;
    cpuNs += onCpu!;
    waitNs += waiting!;
  }
  return { cpuNs, waitNs };
}
