import { BatchWriteCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface RetryOptions {
  /** Attempts per batch before giving up (the first send counts). */
  maxAttempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 50,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * BatchWriteItem in chunks of 25, resubmitting `UnprocessedItems` with exponential backoff and
 * jitter (DynamoDB returns them under throttling; dynalite never does, so tests inject it).
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending = requests.slice(i, i + 25);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > retry.maxAttempts) {
        throw new Error(`DynamoDB kept ${pending.length} items unprocessed after ${retry.maxAttempts} attempts`);
      }
      if (attempt > 1) {
        const cap = retry.baseDelayMs * 2 ** (attempt - 2);
        await retry.sleep(cap / 2 + Math.random() * (cap / 2));
      }
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (res.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}
