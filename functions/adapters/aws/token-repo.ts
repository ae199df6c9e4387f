import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenLookup } from '../../core/ports';
import { tableKeys } from '../../core/shared/storage-keys';
import { TOKEN_SECRET_BYTES, type TokenRecord, type TokenRole, formatToken, hashToken, isWellFormedToken } from '../../core/portal/tokens';

/**
 * Portal tokens in the single table (key shapes in core/shared/storage-keys.ts; only hashes are
 * stored, the token is shown once at issue): the record the API looks up per request by the
 * token's hash, and an index item per token id to list and revoke (it holds the hash).
 * Revoking sets `revokedAt` on the looked-up item first (that is what the API checks), then on
 * the index item. No transactions needed: a half-done revoke is already effective.
 */
const tokenPk = tableKeys.token;
const TOKEN_SK = tableKeys.tokenSk;
const INDEX_PK = tableKeys.tokenIndexPk;
const indexSk = tableKeys.tokenIndexSk;

function toRecord(item: Record<string, unknown>): TokenRecord {
  return {
    id: String(item.id),
    role: item.role as TokenRole,
    unitCode: (item.unitCode as string | null | undefined) ?? null,
    cityCode: (item.cityCode as string | null | undefined) ?? null,
    label: (item.label as string | null | undefined) ?? null,
    createdAt: String(item.createdAt),
    expiresAt: (item.expiresAt as string | null | undefined) ?? null,
    revokedAt: (item.revokedAt as string | null | undefined) ?? null,
  };
}

export interface IssuedToken {
  token: string;
  record: TokenRecord;
}

export class TokenRepository implements TokenLookup {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async findByToken(token: string): Promise<TokenRecord | null> {
    if (!isWellFormedToken(token)) return null;
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: tokenPk(hashToken(token)), sk: TOKEN_SK }, ConsistentRead: true }),
    );
    return res.Item ? toRecord(res.Item) : null;
  }

  async issue(input: { role: TokenRole; unitCode?: string | null; cityCode?: string | null; expiresAt?: string | null; label?: string | null; now?: Date }): Promise<IssuedToken> {
    const unitCode = input.role === 'unit' ? input.unitCode ?? null : null;
    const cityCode = input.role === 'city' ? input.cityCode ?? null : null;
    const token = formatToken(input.role, input.role === 'city' ? cityCode : unitCode, randomBytes(TOKEN_SECRET_BYTES));
    const hash = hashToken(token);
    const record: TokenRecord = {
      id: randomBytes(5).toString('hex'),
      role: input.role,
      unitCode,
      cityCode,
      label: input.label?.trim() || null,
      createdAt: (input.now ?? new Date()).toISOString(),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: tokenPk(hash), sk: TOKEN_SK, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: INDEX_PK, sk: indexSk(record.id), hash, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { token, record };
  }

  async list(): Promise<TokenRecord[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': INDEX_PK },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items.map(toRecord).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<TokenRecord | null> {
    if (!/^[0-9a-f]{10}$/.test(id)) return null;
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: INDEX_PK, sk: indexSk(id) }, ConsistentRead: true }));
    return res.Item ? toRecord(res.Item) : null;
  }

  /** Revokes by id; null when there is no such token. Revoking twice keeps the first time. */
  async revoke(id: string, now: Date = new Date()): Promise<TokenRecord | null> {
    if (!/^[0-9a-f]{10}$/.test(id)) return null;
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: INDEX_PK, sk: indexSk(id) }, ConsistentRead: true }));
    if (!res.Item) return null;
    const at = (res.Item.revokedAt as string | null | undefined) ?? now.toISOString();
    const set = (Key: Record<string, string>) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    await set({ pk: tokenPk(String(res.Item.hash)), sk: TOKEN_SK });
    await set({ pk: INDEX_PK, sk: indexSk(id) });
    return { ...toRecord(res.Item), revokedAt: at };
  }
}
