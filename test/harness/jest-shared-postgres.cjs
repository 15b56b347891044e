// The one postgres cluster a jest run shares between its workers (see jest-global-setup.cjs).
//
// Plain CommonJS because jest loads its global setup and teardown without transforming them, so
// they cannot import the TypeScript harness. This mirrors src/start-postgres.ts (how a test
// cluster is made) and src/server-records.ts (the records that let a later run clean up after a
// crashed one): keep them in step.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SHARED_POSTGRES_ENV = 'SWITCHYARD_TEST_PG_URL';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directory holding initdb and postgres, or undefined when they are not installed. */
function findPostgresBinDir() {
  const root = '/usr/lib/postgresql';
  let majors = [];
  try {
    majors = fs.readdirSync(root).filter((entry) => /^\d+(\.\d+)?$/.test(entry));
  } catch {
    // No Debian layout.
  }
  majors.sort((a, b) => Number(b) - Number(a));
  const candidates = majors.map((major) => path.join(root, major, 'bin'));
  candidates.push(...(process.env.PATH || '').split(path.delimiter).filter(Boolean));
  return candidates.find((dir) =>
    ['initdb', 'postgres'].every((p) => isExecutable(path.join(dir, p))),
  );
}

/** As root, initdb and postgres run as the `postgres` OS user; they refuse to run as root. */
function postgresRunAs() {
  if (process.getuid() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Process start time in clock ticks since boot; undefined when gone or a zombie. */
function processStartTime(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' ? undefined : fields[19];
}

const recordDir = () => path.join(os.tmpdir(), `switchyard-harness-${process.getuid()}`);
const recordPath = (dir) => path.join(recordDir(), `${path.basename(dir)}.json`);

/** Records `dir` as owned by this process, and the server in it when `pid` is given. */
function writeRecord(dir, signal, pid) {
  const ownerStart = processStartTime(process.pid);
  if (ownerStart === undefined) return;
  const start = pid === undefined ? undefined : processStartTime(pid);
  const record = { dir, signal, owner: process.pid, ownerStart };
  if (pid !== undefined && start !== undefined) Object.assign(record, { pid, start });
  fs.mkdirSync(recordDir(), { recursive: true });
  fs.writeFileSync(recordPath(dir), JSON.stringify(record));
}

function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(recordPath(dir), { force: true });
}

/** Ends servers left by test processes that died without stopping them; see server-records.ts. */
function sweepStaleServers() {
  let names;
  try {
    names = fs.readdirSync(recordDir()).filter((name) => name.endsWith('.json'));
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(recordDir(), name);
    let record;
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      record = undefined;
    }
    if (record && processStartTime(record.owner) === record.ownerStart) continue;
    if (record && record.pid !== undefined && processStartTime(record.pid) === record.start) {
      try {
        process.kill(record.pid, record.signal);
      } catch {
        // Exited meanwhile.
      }
    }
    if (record) fs.rmSync(record.dir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postmasterReady(dataDir) {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    return (lines[7] || '').trim() === 'ready';
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(file, from) {
  try {
    return fs.readFileSync(file).subarray(from).toString('utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

/** Spawns postgres on `port` and waits until it is ready; rejects with its log if it exits first. */
async function launch(binDir, dir, dataDir, port, runAs) {
  const logFile = path.join(dir, 'postgres.log');
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const log = fs.openSync(logFile, 'a');
  // prettier-ignore
  const args = [
    '-D', dataDir, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'cluster_name=switchyard-test',
  ];
  const child = spawn(path.join(binDir, 'postgres'), args, {
    cwd: dir,
    env: { PATH: process.env.PATH || '/usr/bin:/bin', HOME: dir, LC_ALL: 'C' },
    stdio: ['ignore', log, log],
    ...runAs,
  });
  fs.closeSync(log);
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', resolve);
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      const tail = logTail(logFile, logStart);
      const error = new Error(`shared test postgres exited before it was ready; its log:\n${tail}`);
      error.portInUse = /address already in use/i.test(tail);
      throw error;
    }
    if (postmasterReady(dataDir)) return { child, exited };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `shared test postgres not ready within ${START_TIMEOUT_MS} ms; its log:\n${logTail(logFile, logStart)}`,
      );
    }
    await sleep(20);
  }
}

/**
 * initdb + postgres in a temporary directory on a free loopback port. Returns a handle for
 * stopSharedPostgres, or undefined (with a warning) when postgres is not installed: then only
 * the tests that need it fail, each with the harness's install hint.
 */
async function startSharedPostgres() {
  sweepStaleServers();
  const binDir = findPostgresBinDir();
  if (binDir === undefined) {
    console.warn(
      'jest global setup: postgres is not installed; run deploy/local/ensure-binaries.sh',
    );
    return undefined;
  }
  const runAs = postgresRunAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-pg-'));
  writeRecord(dir, 'SIGQUIT');
  const dataDir = path.join(dir, 'data');
  try {
    if (runAs.uid !== undefined) fs.chownSync(dir, runAs.uid, runAs.gid);
    // prettier-ignore
    execFileSync(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      env: { PATH: process.env.PATH || '/usr/bin:/bin', LC_ALL: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
      ...runAs,
    });
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      try {
        const { child, exited } = await launch(binDir, dir, dataDir, port, runAs);
        child.unref();
        writeRecord(dir, 'SIGQUIT', child.pid);
        // If jest exits without running the teardown, take the cluster down with it.
        const onExit = () => {
          child.kill('SIGQUIT');
          removeDir(dir);
        };
        process.on('exit', onExit);
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          child,
          exited,
          dir,
          onExit,
        };
      } catch (error) {
        if (!error.portInUse || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}

/** Fast shutdown (SIGINT), SIGKILL after a timeout, then removes the cluster's directory. */
async function stopSharedPostgres(handle) {
  const { child, exited, dir, onExit } = handle;
  process.removeListener('exit', onExit);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  removeDir(dir);
}

module.exports = {
  SHARED_POSTGRES_ENV,
  startSharedPostgres,
  stopSharedPostgres,
  sweepStaleServers,
};
