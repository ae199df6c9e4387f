import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_RETRY, type RetryOptions, batchWrite } from './batch-write';

/** Every item a Query matches, following LastEvaluatedKey across pages. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  table: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new QueryCommand({ ...input, TableName: table, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Deletes every item the key condition matches (a snapshot's chunks, a digest's parts). */
export async function deleteAll(
  doc: DynamoDBDocumentClient,
  table: string,
  input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'>,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<void> {
  const keys = await queryAll(doc, table, { ...input, ProjectionExpression: 'pk, sk', ConsistentRead: true });
  await batchWrite(doc, table, keys.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })), retry);
}
