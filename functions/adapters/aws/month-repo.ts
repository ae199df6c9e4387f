import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query';
import { DEFAULT_RETRY, type RetryOptions, batchWrite } from './batch-write';
import { AUDIT_DETAIL_MAX, type AuditEntry } from '../../core/audit/audit-entry';
import type { Pointer } from '../../core/ingest/upload-order';
import { type MonthState, openState } from '../../core/month/month-state';
import type { AuditLog, MonthStateStore, ReviewStore } from '../../core/ports';
import type { ReviewRecord } from '../../core/review/review';
import { tableKeys } from '../../core/shared/storage-keys';

/**
 * A month's life in the single table (key shapes in core/shared/storage-keys.ts): its state
 * (one item, moved by conditional writes on `rev`), the pointers each published version is
 * computed on (PIN#v{N}#unit), the city's review decisions, and the append-only audit trail.
 */
export class MonthRepository implements AuditLog, MonthStateStore, ReviewStore {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {}

  async getMonthState(month: string): Promise<MonthState> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: tableKeys.month(month), sk: tableKeys.monthState }, ConsistentRead: true }),
    );
    if (!res.Item) return openState(month);
    const { pk: _pk, sk: _sk, ...state } = res.Item;
    return state as MonthState;
  }

  async putMonthState(next: MonthState, expectedRev: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: tableKeys.month(next.month), sk: tableKeys.monthState, ...next },
          ConditionExpression: expectedRev === 0 ? 'attribute_not_exists(pk)' : 'rev = :rev',
          ...(expectedRev === 0 ? {} : { ExpressionAttributeValues: { ':rev': expectedRev } }),
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Pins `pointers` as the uploads version `version` of the month is computed on (idempotent). */
  async pinPointers(month: string, version: number, pointers: Pointer[]): Promise<void> {
    await batchWrite(
      this.doc,
      this.table,
      pointers.map((p) => ({ PutRequest: { Item: { ...p, pk: tableKeys.month(month), sk: tableKeys.pin(version, p.unitCode) } } })),
      this.retry,
    );
  }

  async pinnedPointers(month: string, version: number): Promise<Pointer[]> {
    const items = await queryAll(this.doc, this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': tableKeys.month(month), ':p': tableKeys.pinPrefix(version) },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, ...p }) => p as unknown as Pointer);
  }

  async putReview(r: ReviewRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: tableKeys.month(r.month), sk: tableKeys.review(r.unitCode, r.uploadId), ...r } }));
  }

  async listReviews(month: string, unitCode?: string): Promise<ReviewRecord[]> {
    const items = await queryAll(this.doc, this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': tableKeys.month(month), ':p': tableKeys.reviewPrefix(unitCode) },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, ...r }) => r as unknown as ReviewRecord);
  }

  /** Appends one record: a new sort key every time (time + random), never overwriting. */
  async append(entry: AuditEntry): Promise<void> {
    const detail = entry.detail ? entry.detail.slice(0, AUDIT_DETAIL_MAX) : entry.detail;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: tableKeys.audit(entry.month), sk: tableKeys.auditSk(entry.at, `${entry.seq ?? 0}#${randomBytes(4).toString('hex')}`), ...entry, detail },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listAudit(month: string | null): Promise<AuditEntry[]> {
    const items = await queryAll(this.doc, this.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.audit(month) },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, ...e }) => e as unknown as AuditEntry);
  }
}

