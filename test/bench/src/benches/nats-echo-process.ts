import { connectBus } from '@switchyard/bus';

// A bare NATS echo responder in a process of its own, started by the scheduler bench: its
// baseline for `sched.v1.select` must cross the same process boundary the scheduler does.
// Usage: node nats-echo-process.js <nats url> <subject>
const [url, subject] = process.argv.slice(2);
if (url === undefined || subject === undefined) {
  console.error('usage: nats-echo-process <nats url> <subject>');
  process.exit(2);
}
const bus = await connectBus({ servers: url, name: 'bench-echo' });
bus.nc.subscribe(subject, { callback: (_err, msg) => void msg.respond(msg.data) });
await bus.nc.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void bus.close().then(() => process.exit(0)));
