/**
 * The local runtime's two DynamoDB backends, whichever TB_DYNAMODB selects: `npm test` runs this on
 * dynalite, `npm run test:dynamodb-local` on DynamoDB Local. Each test states what both do, and
 * where they differ, what each does: found by sending both the same requests. Through a bare
 * client (no limits middleware) the backends show themselves; through the pipeline's own client
 * (functions/adapters/aws/item-limits.ts) both refuse what AWS refuses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBackend } from '../../cli/local/dynamodb';
import type { LocalPipeline } from '../../cli/local/runtime';
import { DynamoLimitError } from '../../functions/adapters/aws/item-limits';
import { REPO_ROOT } from '../../infra/settings';
import { startPipeline } from '../helpers/pipeline';

const backend = dynamoBackend();
let p: LocalPipeline;
/** The server as it is: no limits middleware, no retries. */
let bare: DynamoDBClient;
beforeAll(async () => {
  p = await startPipeline();
  bare = new DynamoDBClient({ endpoint: p.servers.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});
afterAll(async () => {
  bare?.destroy();
  await p?.close();
});

const key = (pk: string, sk: string) => ({ pk: { S: pk }, sk: { S: sk } });
const putBare = (Item: Record<string, AttributeValue>) => bare.send(new PutItemCommand({ TableName: p.servers.table, Item }));
const getBare = async (pk: string, sk: string) => (await bare.send(new GetItemCommand({ TableName: p.servers.table, Key: key(pk, sk), ConsistentRead: true }))).Item;
/** The pipeline's client (its limits middleware on the stack) taking low-level commands as they are. */
const pipelineClient = () => p.doc as unknown as DynamoDBClient;
/** `levels` maps around a string. */
const nestedMaps = (levels: number): AttributeValue => {
  let v: AttributeValue = { S: 'x' };
  for (let i = 0; i < levels; i++) v = { M: { a: v } };
  return v;
};

describe(`the embedded DynamoDB (${backend}): what both backends do`, () => {
  it('hands over the table ACTIVE', async () => {
    const { Table } = await bare.send(new DescribeTableCommand({ TableName: p.servers.table }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(p.servers.dynamoBackend).toBe(backend);
  });

  it('stores Chinese text, numbers, maps and lists and reads them back as written', async () => {
    const item = { pk: 'B#shared', sk: 'item', name: '漯河市源汇区重点项目', money: 12919.5, projects: 31, m: { 签约: [1, 2, { x: '' }] } };
    await p.doc.send(new PutCommand({ TableName: p.servers.table, Item: item }));
    const got = await p.doc.send(new GetCommand({ TableName: p.servers.table, Key: { pk: 'B#shared', sk: 'item' }, ConsistentRead: true }));
    expect(got.Item).toEqual(item);
  });

  it('refuses a second put under attribute_not_exists, and an update whose condition fails', async () => {
    await bare.send(new PutItemCommand({ TableName: p.servers.table, Item: { ...key('B#cond', '1'), v: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
    const again = bare.send(new PutItemCommand({ TableName: p.servers.table, Item: { ...key('B#cond', '1'), v: { N: '2' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await expect(again).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const update = bare.send(
      new UpdateItemCommand({ TableName: p.servers.table, Key: key('B#cond', '1'), UpdateExpression: 'SET v = :n', ConditionExpression: 'v > :n', ExpressionAttributeValues: { ':n': { N: '5' } } }),
    );
    await expect(update).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await getBare('B#cond', '1'))?.v).toEqual({ N: '1' });
  });

  it('queries a partition by sort-key prefix, in sort-key order, a page at a time', async () => {
    const sks = ['ROW#003', 'ROW#001', 'ROW#002', 'META', 'ROW#010'];
    await bare.send(new BatchWriteItemCommand({ RequestItems: { [p.servers.table]: sks.map((sk) => ({ PutRequest: { Item: key('B#query', sk) } })) } }));
    const first = await bare.send(
      new QueryCommand({ TableName: p.servers.table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)', ExpressionAttributeValues: { ':p': { S: 'B#query' }, ':r': { S: 'ROW#' } }, Limit: 3 }),
    );
    expect(first.Items?.map((i) => i.sk.S)).toEqual(['ROW#001', 'ROW#002', 'ROW#003']);
    const rest = await bare.send(
      new QueryCommand({
        TableName: p.servers.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':p': { S: 'B#query' }, ':r': { S: 'ROW#' } },
        ExclusiveStartKey: first.LastEvaluatedKey,
      }),
    );
    expect(rest.Items?.map((i) => i.sk.S)).toEqual(['ROW#010']);
  });

  it('takes a batch of 25 writes and refuses 26', async () => {
    const batch = (n: number) =>
      bare.send(new BatchWriteItemCommand({ RequestItems: { [p.servers.table]: Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: key('B#batch', String(i).padStart(3, '0')) } })) } }));
    await expect(batch(25)).resolves.toBeDefined();
    await expect(batch(26)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it.each([
    ['an ASCII item over 400 KB', { big: { S: 'x'.repeat(400 * 1024) } }],
    ['an empty string set', { ss: { SS: [] } }],
    ['a string set with a duplicate', { ss: { SS: ['a', 'a'] } }],
    ['a number of 39 digits', { n: { N: '123456789012345678901234567890123456789' } }],
    ['a number over 1E+126', { n: { N: '1e126' } }],
    ['a sort key over 1024 bytes', { sk: { S: 'A'.repeat(1100) } }],
    ['a partition key over 2048 bytes', { pk: { S: 'A'.repeat(2100) } }],
    ['an empty sort key', { sk: { S: '' } }],
  ] as [string, Record<string, AttributeValue>][])('refuses, like AWS, %s', async (_what, attrs) => {
    await expect(putBare({ ...key('B#refused', 'x'), ...attrs })).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

/** What dynalite stores and DynamoDB Local (like AWS) refuses, with DynamoDB Local's message. */
const LENIENT_DYNALITE: [string, Record<string, AttributeValue>, RegExp][] = [
  // dynalite measures strings in characters: 140,000 characters are 420,000 bytes.
  ['an item of 140,000 Chinese characters (420,000 bytes)', { big: { S: '名'.repeat(140_000) } }, /Item size has exceeded the maximum allowed size/],
  ['an attribute with an empty name', { '': { S: 'x' } }, /Empty attribute name/],
  ['a map entry with an empty name', { m: { M: { '': { S: 'x' } } } }, /Empty attribute name/],
  ['a value nested 33 levels deep', { deep: nestedMaps(32) }, /Nesting Levels have exceeded supported limits/],
];

describe(`the embedded DynamoDB (${backend}): where the backends differ`, () => {
  it.each(LENIENT_DYNALITE)(`%s: ${backend === 'local' ? 'refused by DynamoDB Local, as by AWS' : 'stored by dynalite'}`, async (what, attrs, localMessage) => {
    const sk = `lenient-${LENIENT_DYNALITE.findIndex(([w]) => w === what)}`;
    const put = putBare({ ...key('B#lenient', sk), ...attrs });
    if (backend === 'local') {
      await expect(put).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(localMessage) });
      expect(await getBare('B#lenient', sk)).toBeUndefined();
    } else {
      await put;
      expect(await getBare('B#lenient', sk)).toMatchObject(attrs);
    }
  });

  it.each(LENIENT_DYNALITE)('%s: refused by the pipeline’s own client on either backend, before it is sent', async (what, attrs) => {
    const sk = `pipeline-${LENIENT_DYNALITE.findIndex(([w]) => w === what)}`;
    const put = pipelineClient().send(new PutItemCommand({ TableName: p.servers.table, Item: { ...key('B#lenient', sk), ...attrs } }));
    await expect(put).rejects.toBeInstanceOf(DynamoLimitError);
    expect(await getBare('B#lenient', sk)).toBeUndefined();
  });

  it(`an update that makes a 420,000-byte item of 140,000 characters: ${backend === 'local' ? 'refused by DynamoDB Local' : 'applied by dynalite'}; refused by the pipeline’s client on both`, async () => {
    const update = (client: DynamoDBClient) =>
      client.send(new UpdateItemCommand({ TableName: p.servers.table, Key: key('B#update', 'u'), UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { S: '名'.repeat(140_000) } } }));
    if (backend === 'local') await expect(update(bare)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/Item size to update has exceeded/) });
    else await update(bare);
    await expect(update(pipelineClient())).rejects.toBeInstanceOf(DynamoLimitError);
  });

  it(`transactions: ${backend === 'local' ? 'committed by DynamoDB Local' : 'unknown to dynalite'}`, async () => {
    const transact = bare.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: p.servers.table, Item: key('B#tx', '1') } }, { Put: { TableName: p.servers.table, Item: key('B#tx', '2') } }] }));
    if (backend === 'local') {
      await transact;
      expect(await getBare('B#tx', '2')).toEqual(key('B#tx', '2'));
    } else {
      await expect(transact).rejects.toMatchObject({ name: 'UnknownOperationException' });
    }
  });

  it('the pipeline uses no transactions, so it runs the same on both (docs/architecture.md, Storage)', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? sources(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
    const transactional = sources(join(REPO_ROOT, 'functions')).filter((f) => /Transact(Write|Get)/.test(readFileSync(f, 'utf8')));
    expect(transactional).toEqual([]);
  });
});
