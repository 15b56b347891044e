import { connectBus } from '@switchyard/bus';
import type { Redis } from '@switchyard/redis';

/** One message seen on NATS: subject, payload and headers as text. */
export type SeenMessage = { readonly subject: string; readonly text: string };

/** Subscribes to every subject (`>`) and keeps what passes, payloads and headers. */
export async function watchNats(
  url: string,
): Promise<{ messages(): SeenMessage[]; stop(): Promise<void> }> {
  const bus = await connectBus({ servers: url, name: 'e2e-secret-scan' });
  const seen: SeenMessage[] = [];
  const decoder = new TextDecoder();
  bus.nc.subscribe('>', {
    callback: (_err, msg) => {
      const headers = msg.headers === undefined ? '' : String(msg.headers);
      seen.push({ subject: msg.subject, text: `${headers}\n${decoder.decode(msg.data)}` });
    },
  });
  await bus.nc.flush();
  return { messages: () => seen, stop: () => bus.close() };
}

export type ScanInput = {
  readonly secrets: readonly string[];
  readonly logs: readonly { readonly name: string; readonly text: string }[];
  readonly nats: readonly SeenMessage[];
  readonly redis: Redis;
};

/**
 * Where any secret shows up: in a process's output, a NATS message, or a Redis value (every
 * key, SCANned and DUMPed, so hashes, sets and sorted sets are covered too). Empty when clean.
 */
export async function scanForSecrets(input: ScanInput): Promise<string[]> {
  const leaks: string[] = [];
  const check = (where: string, text: string) => {
    for (const secret of input.secrets)
      if (text.includes(secret)) leaks.push(`${where} holds ${secret.slice(0, 6)}…`);
  };
  for (const log of input.logs) check(`${log.name} output`, log.text);
  for (const msg of input.nats) check(`NATS ${msg.subject}`, msg.text);
  let cursor = '0';
  let keys = 0;
  do {
    const [next, batch] = await input.redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys++;
      check(`Redis key ${key}`, key);
      const dump = await input.redis.dumpBuffer(key);
      if (dump !== null) check(`Redis value ${key}`, dump.toString('latin1'));
    }
  } while (cursor !== '0');
  if (keys === 0) leaks.push('Redis held no keys at all: the scan saw nothing');
  return leaks;
}
