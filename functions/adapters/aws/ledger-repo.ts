import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { deleteAll, queryAll } from './dynamo-query';
import { INVALID_MONTH, tableKeys } from '../../core/shared/storage-keys';
import type { LedgerRow, MonthLedger } from '../../core/ledger/ledger-row';
import type { ClaimResult, SendClaim, SendLogEntry } from '../../core/delivery/send-log';
import type { Receipt } from '../../core/ingest/receipt';
import type { FlipOutcome, Pointer } from '../../core/ingest/upload-order';
import type { MonthLedgerStore, ReceiptState, ReceiptsView, SendLog, UploadLedger } from '../../core/ports';
import { mapLimit } from '../../core/shared/concurrency';
import { DEFAULT_RETRY, type RetryOptions, batchWrite } from './batch-write';
import { decodeChunk, encodeChunks } from './snapshot-chunks';

/**
 * The single table (key shapes in core/shared/storage-keys.ts), for every stage: ingest's
 * snapshots, pointers and receipts (UploadLedger), compute's month (MonthLedgerStore), the
 * portal's receipts (ReceiptsView) and the report's send log (SendLog). Re-uploads are safe
 * without transactions (core/ingest/upload-order.ts).
 */
export class LedgerRepository implements UploadLedger, MonthLedgerStore, ReceiptsView, SendLog {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {}

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, this.table, input);
  }

  /** One item of a month's partition (pointers, receipts, send log), read consistently. */
  private async monthItem(month: string, sk: string): Promise<Record<string, unknown> | null> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: tableKeys.month(month), sk }, ConsistentRead: true }));
    return res.Item ?? null;
  }

  /** The items of a month's partition whose sort key starts with `prefix`, in key order. */
  private monthItems(month: string, prefix: string, projection?: string, names?: Record<string, string>): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': tableKeys.month(month), ':p': prefix },
      ...(projection ? { ProjectionExpression: projection } : {}),
      ...(names ? { ExpressionAttributeNames: names } : {}),
      ConsistentRead: true,
    });
  }

  /** The upload's rows as a few compressed chunk items (snapshot-chunks.ts), not one item per row. */
  async writeSnapshot(month: string, unit: string, uploadId: string, rows: LedgerRow[]): Promise<void> {
    const pk = tableKeys.snapshot(month, unit, uploadId);
    await batchWrite(
      this.doc,
      this.table,
      encodeChunks(rows).map((c) => ({ PutRequest: { Item: { pk, sk: tableKeys.chunk(c.index), rows: c.rows, data: c.data } } })),
      this.retry,
    );
  }

  /** One query of the snapshot's chunks (a page holds 3 or more); rows of older snapshots' `ROW#` items too. */
  async readSnapshot(month: string, unit: string, uploadId: string): Promise<LedgerRow[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.snapshot(month, unit, uploadId) },
      ConsistentRead: true,
    });
    const rows: LedgerRow[] = [];
    for (const { pk: _pk, sk, ...item } of items) {
      if (String(sk).startsWith('CHUNK#')) rows.push(...decodeChunk(item.data as Uint8Array, item.rows as number));
      else rows.push(item as unknown as LedgerRow);
    }
    return rows.sort((a, b) => a.sourceRow - b.sourceRow);
  }

  async deleteSnapshot(month: string, unit: string, uploadId: string): Promise<void> {
    const pk = tableKeys.snapshot(month, unit, uploadId);
    await deleteAll(this.doc, this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }, this.retry);
  }

  /** Makes `ptr` the unit's current upload for the month unless a newer one already is. */
  async flipPointer(month: string, ptr: Pointer): Promise<FlipOutcome> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: tableKeys.month(month), sk: tableKeys.pointer(ptr.unitCode) },
          UpdateExpression: 'SET unitCode = :unit, uploadId = :id, #order = :order, #key = :key, projects = :projects, updatedAt = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR #order < :order',
          ExpressionAttributeNames: { '#order': 'order', '#key': 'key' },
          ExpressionAttributeValues: {
            ':unit': ptr.unitCode,
            ':id': ptr.uploadId,
            ':order': ptr.order,
            ':key': ptr.key,
            ':projects': ptr.projects,
            ':at': ptr.updatedAt,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = res.Attributes as Pointer | undefined;
      return { outcome: 'current', previous: old && old.uploadId !== ptr.uploadId ? old : null };
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      const current = await this.getPointer(month, ptr.unitCode);
      if (!current || current.uploadId === ptr.uploadId) return { outcome: 'replay' };
      return { outcome: 'superseded', current };
    }
  }

  async getPointer(month: string, unit: string): Promise<Pointer | null> {
    return (await this.monthItem(month, tableKeys.pointer(unit))) as Pointer | null;
  }

  async getPointers(month: string): Promise<Pointer[]> {
    return (await this.monthItems(month, tableKeys.pointerPrefix)) as unknown as Pointer[];
  }

  /** The month's ledger: the current snapshot of every unit that has an accepted upload. */
  async readLedger(month: string, concurrency = 8): Promise<MonthLedger> {
    return (await this.readCurrent(month, concurrency)).ledger;
  }

  /** The month's ledger and, per unit, the upload its rows come from (one read of the pointers). */
  async readCurrent(month: string, concurrency = 8): Promise<{ ledger: MonthLedger; uploadIds: Record<string, string> }> {
    return this.readAt(month, await this.getPointers(month), concurrency);
  }

  async readAt(month: string, pointers: Pointer[], concurrency = 8): Promise<{ ledger: MonthLedger; uploadIds: Record<string, string> }> {
    const uploadIds = Object.fromEntries(pointers.map((p) => [p.unitCode, p.uploadId]));
    const snapshots = await mapLimit(pointers, concurrency, (p) => this.readSnapshot(month, p.unitCode, p.uploadId));
    const ledger: MonthLedger = Object.fromEntries(pointers.map((p, i) => [p.unitCode, snapshots[i]]));
    return { ledger, uploadIds };
  }

  async putReceipt(receipt: Receipt, receiptKey: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: tableKeys.month(receipt.month ?? INVALID_MONTH),
          sk: tableKeys.receipt(receipt.unitCode, receipt.uploadId),
          uploadId: receipt.uploadId,
          unitCode: receipt.unitCode,
          status: receipt.status,
          summary: receipt.summary,
          fileName: receipt.file.name,
          eventTime: receipt.file.eventTime,
          counts: receipt.counts,
          receiptKey,
          // The full receipt, as stored in S3 (capped issue lists keep it well under 400 KB).
          receipt: JSON.stringify(receipt),
        },
      }),
    );
  }

  async getReceipt(month: string, unit: string, uploadId: string): Promise<Receipt | null> {
    const item = await this.monthItem(month, tableKeys.receipt(unit, uploadId));
    return item ? (JSON.parse(item.receipt as string) as Receipt) : null;
  }

  /** Receipts of the month; of one unit when `unitCode` is given (a key prefix, not a filter). */
  async listReceipts(month: string, unitCode?: string): Promise<Receipt[]> {
    const items = await this.monthItems(month, tableKeys.receiptPrefix(unitCode), 'receipt');
    return items.map((i) => JSON.parse(i.receipt as string) as Receipt);
  }

  /** Each receipt's unit, status, upload id and event time only (the item's own attributes, not its full receipt). */
  async receiptStates(month: string): Promise<ReceiptState[]> {
    // `status` is a reserved word in DynamoDB expressions.
    const items = await this.monthItems(month, tableKeys.receiptPrefix(), 'unitCode, #s, uploadId, eventTime', { '#s': 'status' });
    return items.map((i) => ({
      unitCode: (i.unitCode as string | null | undefined) ?? null,
      status: i.status as Receipt['status'],
      uploadId: i.uploadId as string,
      eventTime: (i.eventTime as string | null | undefined) ?? null,
    }));
  }

  async getSendLog(month: string, edition: string, recipient: string): Promise<SendLogEntry | null> {
    return (await this.monthItem(month, tableKeys.send(edition, recipient))) as SendLogEntry | null;
  }

  /** Every send-log entry of a month (all editions and recipients), in key order. */
  async listSendLog(month: string): Promise<SendLogEntry[]> {
    const items = await this.monthItems(month, tableKeys.sendPrefix);
    return items.map(({ pk: _pk, sk: _sk, ...e }) => e as unknown as SendLogEntry);
  }

  /**
   * The claim: a put that succeeds only when the mail has no entry, failed, or (forced) was sent,
   * or when its claim is stale; never over a live claim of another run. `status` is a reserved
   * word in expressions.
   */
  async claimSend(c: SendClaim): Promise<ClaimResult> {
    const e = c.entry;
    const condition = c.force
      ? 'attribute_not_exists(pk) OR #s <> :sending OR claimedAt < :stale'
      : 'attribute_not_exists(pk) OR #s = :failed OR (#s = :sending AND claimedAt < :stale)';
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: tableKeys.month(e.month), sk: tableKeys.send(e.edition, e.recipient), ...e, claimedAt: e.sentAt },
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': c.staleBefore, ...(c.force ? {} : { ':failed': 'failed' }) },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      return { claimed: false, current: await this.getSendLog(e.month, e.edition, e.recipient) };
    }
  }

  async putSendLog(e: SendLogEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: tableKeys.month(e.month), sk: tableKeys.send(e.edition, e.recipient), ...e } }),
    );
  }
}
