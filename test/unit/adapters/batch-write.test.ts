import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { batchWrite } from '../../../functions/adapters/aws/batch-write';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const put = (i: number) => ({ PutRequest: { Item: { pk: 'p', sk: `s${i}` } } });

describe('batchWrite under throttling (fault injection: DynamoDB returns UnprocessedItems)', () => {
  it('chunks by 25 and resubmits exactly the unprocessed items with growing backoff', async () => {
    const mock = mockClient(doc);
    const sent: string[][] = [];
    let call = 0;
    mock.on(BatchWriteCommand).callsFake((input) => {
      const items = input.RequestItems.t as ReturnType<typeof put>[];
      sent.push(items.map((r) => r.PutRequest.Item.sk));
      call++;
      // The first answer throttles the last 5 items of the first chunk, the second throttles 2 of them.
      if (call === 1) return { UnprocessedItems: { t: items.slice(20) } };
      if (call === 2) return { UnprocessedItems: { t: items.slice(3) } };
      return { UnprocessedItems: {} };
    });
    const delays: number[] = [];
    await batchWrite(doc, 't', Array.from({ length: 30 }, (_, i) => put(i)), {
      maxAttempts: 5,
      baseDelayMs: 100,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(sent.map((s) => s.length)).toEqual([25, 5, 2, 5]);
    expect(sent[1]).toEqual(['s20', 's21', 's22', 's23', 's24']);
    expect(sent[2]).toEqual(['s23', 's24']);
    expect(sent[3]).toEqual(['s25', 's26', 's27', 's28', 's29']);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    mock.restore();
  });

  it('gives up with a clear error when DynamoDB keeps throttling', async () => {
    const mock = mockClient(doc);
    mock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(
      batchWrite(doc, 't', [put(1), put(2)], { maxAttempts: 3, baseDelayMs: 1, sleep: async () => {} }),
    ).rejects.toThrow('DynamoDB kept 2 items unprocessed after 3 attempts');
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(3);
    mock.restore();
  });
});
