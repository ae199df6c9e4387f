import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import S3rver from '@20minutes/s3rver';
import S3rverAccount from '@20minutes/s3rver/lib/models/account.js';
import { TABLE } from '../../functions/core/shared/storage-keys';
import { type DynamoBackend, dynamoBackend, dynamoStoreDir, startJvmDynamo } from './dynamodb';
import { guardS3rver } from './s3rver-guard';

/** The embedded servers' bucket and table names (in AWS the CDK names them). */
export const LOCAL_BUCKETS = { raw: 'tb-raw', curated: 'tb-curated', reports: 'tb-reports' } as const;
export const LOCAL_TABLE_NAME = 'tb-ledger';

/**
 * Embedded S3 (s3rver) and DynamoDB (dynalite, or DynamoDB Local with TB_DYNAMODB=local:
 * dynamodb.ts) on 127.0.0.1 and free ports, with the buckets and the table keys of
 * core/shared/storage-keys.ts. Real servers spoken to by the real SDK clients.
 */
export interface EmbeddedServers {
  s3Endpoint: string;
  dynamoEndpoint: string;
  dynamoBackend: DynamoBackend;
  buckets: { raw: string; curated: string; reports: string };
  table: string;
  s3rver: S3rver;
  /**
   * The keys the pipeline signs with (SDK requests, presigned GETs and the portal's POST policies),
   * new at every start. Not s3rver's built-in S3RVER/S3RVER: anyone knows that pair, and the POST
   * gateway accepts only policies signed with these.
   */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * Fresh keys, registered with s3rver. s3rver refuses an access key id it does not know; its SigV4
 * check is off (allowMismatchedSignatures, below), so the SDK clients work with them. Nothing stored
 * depends on them (objects and items are reopened whatever the keys), so a new pair per process
 * keeps `tb report` and `tb serve` working on an old store, and no secret is ever written to disk.
 */
function newCredentials(): EmbeddedServers['credentials'] {
  const credentials = { accessKeyId: `TBLOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
  S3rverAccount.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  return credentials;
}

/**
 * `fresh` (default) wipes `dataDir` first (`tb run`); without it the previous run's objects and
 * items are reopened (`tb report`, `tb serve` after a run). The DynamoDB backend is TB_DYNAMODB's.
 */
export async function startEmbedded(opts: { dataDir: string; fresh?: boolean }): Promise<EmbeddedServers> {
  const backend = dynamoBackend();
  const fresh = opts.fresh ?? true;
  if (fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  const s3Dir = `${opts.dataDir}/s3`;
  mkdirSync(s3Dir, { recursive: true });
  const buckets = { ...LOCAL_BUCKETS };

  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: Object.values(buckets).map((name) => ({ name })),
    // s3rver 4 checks SigV4 signatures, but its canonical request for a bucket-level call
    // (ListObjectsV2: `GET /bucket?list-type=2`) is not the SDK's, so it refuses requests S3 takes.
    // The access key id is still checked; what a signature guards (the portal's POST policies) the
    // POST gateway checks itself (post-policy.ts).
    allowMismatchedSignatures: true,
  });
  // A request s3rver cannot store is answered with an error, never the end of the process.
  guardS3rver(s3rver);
  const s3Address = (await s3rver.run()) as AddressInfo;
  const credentials = newCredentials();
  const closeS3 = async () => {
    // The registry is s3rver's, shared by every instance in the process: take back what we added.
    S3rverAccount.DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
    await s3rver.close();
  };

  let dynamo: { endpoint: string; close(): Promise<void> } | undefined;
  try {
    // On disk (dynalite: LevelDB; DynamoDB Local: SQLite) so a later command can reopen the store.
    dynamo = await (backend === 'local' ? startJvmDynamo(dynamoStoreDir(opts.dataDir, backend)) : startDynalite(dynamoStoreDir(opts.dataDir, backend)));
    await ensureTable(dynamo.endpoint);
  } catch (e) {
    await dynamo?.close();
    await closeS3();
    throw e;
  }
  const { endpoint, close } = dynamo;

  return {
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    dynamoEndpoint: endpoint,
    dynamoBackend: backend,
    buckets,
    table: LOCAL_TABLE_NAME,
    s3rver,
    credentials,
    async close() {
      await closeS3();
      await close();
    },
  };
}

async function startDynalite(dir: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const dyn = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dyn.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(dyn.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => dyn.close(() => resolve())),
  };
}

/** How long a new table may stay CREATING: a ceiling for a busy machine, not a wait. */
const TABLE_ACTIVE_TIMEOUT_MS = 60_000;

/**
 * The table, created (or found, when a store is reopened) and ACTIVE. A table answers writes only
 * once ACTIVE, in AWS as in both local servers: dynalite turns it ACTIVE on a timer even with
 * createTableMs 0, so a write straight after CreateTable could meet ResourceNotFoundException.
 */
async function ensureTable(endpoint: string): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await ddb
      .send(
        new CreateTableCommand({
          TableName: LOCAL_TABLE_NAME,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
          ],
        }),
      )
      // Reopening a store: the table is already there.
      .catch((e: Error) => {
        if (e.name !== 'ResourceInUseException') throw e;
      });
    const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
    for (;;) {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
      if (Table?.TableStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`table ${LOCAL_TABLE_NAME} still ${Table?.TableStatus} after ${TABLE_ACTIVE_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    ddb.destroy();
  }
}
