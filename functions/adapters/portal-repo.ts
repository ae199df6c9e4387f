import { type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query';
import type { Receipt } from '../core/receipt';
import type { PointerLike } from '../core/reporting-status';

/**
 * Read-only queries the portal makes on the single table (keys in infra/definitions.ts):
 * receipts of one unit or of all units for a month, and the month's CURRENT pointers.
 */
export class PortalRepository {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, this.table, input);
  }

  /** Receipts of the month; of one unit when `unitCode` is given (a key prefix, not a filter). */
  async receipts(month: string, unitCode?: string): Promise<Receipt[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `MONTH#${month}`, ':p': unitCode ? `RECEIPT#${unitCode}#` : 'RECEIPT#' },
      ProjectionExpression: 'receipt',
      ConsistentRead: true,
    });
    return items.map((i) => JSON.parse(i.receipt as string) as Receipt);
  }

  async pointers(month: string): Promise<PointerLike[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `MONTH#${month}`, ':p': 'CURRENT#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ unitCode: String(i.unitCode), uploadId: String(i.uploadId), projects: Number(i.projects ?? 0) }));
  }
}
