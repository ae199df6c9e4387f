import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import S3rver from '@20minutes/s3rver';
import S3rverAccount from '@20minutes/s3rver/lib/models/account.js';
import { TABLE } from '../../functions/core/shared/storage-keys';
import { guardS3rver } from './s3rver-guard';

/** The embedded servers' bucket and table names (in AWS the CDK names them). */
export const LOCAL_BUCKETS = { raw: 'tb-raw', curated: 'tb-curated', reports: 'tb-reports' } as const;
export const LOCAL_TABLE_NAME = 'tb-ledger';

/**
 * Embedded S3 (s3rver) and DynamoDB (dynalite) on 127.0.0.1 and free ports, with the buckets
 * and the table keys of core/shared/storage-keys.ts. Real servers spoken to by the real SDK clients.
 */
export interface EmbeddedServers {
  s3Endpoint: string;
  dynamoEndpoint: string;
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
 * items are reopened (`tb report`, `tb serve` after a run).
 */
export async function startEmbedded(opts: { dataDir: string; fresh?: boolean }): Promise<EmbeddedServers> {
  const fresh = opts.fresh ?? true;
  if (fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  const s3Dir = `${opts.dataDir}/s3`;
  const dynamoDir = `${opts.dataDir}/dynamodb`;
  mkdirSync(s3Dir, { recursive: true });
  mkdirSync(dynamoDir, { recursive: true });
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

  // On disk (LevelDB) so a later command can reopen the store; `tb run` starts from a wiped one.
  const dyn = dynalite({ path: dynamoDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dyn.listen(0, '127.0.0.1', () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(dyn.address() as AddressInfo).port}`;

  const ddb = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
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
  ddb.destroy();

  return {
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    dynamoEndpoint,
    buckets,
    table: LOCAL_TABLE_NAME,
    s3rver,
    credentials,
    async close() {
      // The registry is s3rver's, shared by every instance in the process: take back what we added.
      S3rverAccount.DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
      await s3rver.close();
      await new Promise<void>((resolve) => dyn.close(() => resolve()));
    },
  };
}
