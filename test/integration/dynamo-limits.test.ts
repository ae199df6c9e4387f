import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { DYNAMO_LIMITS, DynamoLimitError, numberProblem } from '../../functions/adapters/aws/item-limits';
import { startPipeline } from '../helpers/pipeline';

/**
 * DynamoDB's limits hold on either embedded backend (dynalite would store most of these; DynamoDB
 * Local refuses them with messages of its own, test/integration/dynamodb-backends.test.ts): the
 * pipeline's own clients refuse what AWS would refuse, before the request leaves.
 */
/** `levels` maps around a string: the top-level attribute's value is level 1, the string level `levels + 1`. */
function nested(levels: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('DynamoDB limits enforced on the way out', () => {
  let p: LocalPipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p?.close());

  const put = (Item: Record<string, unknown>) => p.doc.send(new PutCommand({ TableName: p.servers.table, Item: { pk: 'T#limits', sk: 'x', ...Item } }));

  it.each([
    ['an item over 400 KB', { big: 'x'.repeat(DYNAMO_LIMITS.itemBytes) }, /item of \d+ bytes/],
    ['an item over 400 KB in Chinese (bytes, not characters)', { big: '名'.repeat(140_000) }, /item of \d+ bytes/],
    ['a sort key over 1 KB', { sk: `ROW#${'A'.repeat(1100)}` }, /sort key of 1104 bytes/],
    ['a partition key over 2 KB', { pk: `S#${'中'.repeat(700)}` }, /partition key of 2102 bytes/],
    ['a nested map over 400 KB', { m: { a: { b: 'y'.repeat(210_000) }, c: ['z'.repeat(200_000)] } }, /item of \d+ bytes/],
    ['an attribute with an empty name', { '': 'x' }, /attribute name is empty/],
    ['a map entry with an empty name, in a list', { l: [{ '': 1 }] }, /attribute name is empty/],
    ['a value nested 33 levels deep', { deep: nested(32) }, /nested deeper than DynamoDB's 32 levels/],
  ])('refuses %s', async (_name, item, message) => {
    await expect(put(item)).rejects.toThrow(message);
    await expect(put(item)).rejects.toBeInstanceOf(DynamoLimitError);
  });

  it('refuses an update whose values make an item over 400 KB', async () => {
    const send = p.doc.send(
      new UpdateCommand({
        TableName: p.servers.table,
        Key: { pk: 'T#limits', sk: 'u' },
        UpdateExpression: 'SET a = :a, b = :b',
        ExpressionAttributeValues: { ':a': 'x'.repeat(250_000), ':b': 'y'.repeat(250_000) },
      }),
    );
    await expect(send).rejects.toThrow(/values of \d+ bytes/);
  });

  it('writes an item just under the limits, and nothing of the refused ones was stored', async () => {
    await put({ sk: `ROW#${'A'.repeat(1000)}`, big: 'x'.repeat(390_000), deep: nested(31) });
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const got = await p.doc.send(new GetCommand({ TableName: p.servers.table, Key: { pk: 'T#limits', sk: `ROW#${'A'.repeat(1000)}` } }));
    expect((got.Item?.big as string).length).toBe(390_000);
    const refused = await p.doc.send(new GetCommand({ TableName: p.servers.table, Key: { pk: 'T#limits', sk: 'x' } }));
    expect(refused.Item).toBeUndefined();
  });
});

describe('numberProblem (DynamoDB numbers: 38 digits, 1E-130 to 1E+125)', () => {
  it.each([
    ['0', null],
    ['-0.000', null],
    ['12919.5', null],
    ['1e+21', null],
    ['1.2345678901234567e-7', null],
    ['12345678901234567890123456789012345678', null],
    ['123456789012345678901234567890123456789', /more than 38/],
    ['0.000000000000000000000000000000000000001234', null],
    ['1e126', /range/],
    ['9.99e125', null],
    ['1e-131', /range/],
    ['1e-130', null],
    ['Infinity', /not a number/],
    ['NaN', /not a number/],
    ['', /not a number/],
  ])('%s', (n, expected) => {
    const p = numberProblem(n);
    if (expected === null) expect(p).toBeNull();
    else expect(p).toMatch(expected);
  });
});
