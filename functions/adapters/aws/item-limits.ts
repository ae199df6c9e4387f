import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's own limits on what is written, checked before every write leaves this process. The
 * embedded dynalite stores what DynamoDB refuses: items over 400 KB as long as they are under 400 K
 * characters (it counts characters, not UTF-8 bytes: Chinese text is 3 bytes a character), update
 * values as large, attributes and map entries with an empty name, values nested deeper than 32
 * levels. DynamoDB Local (TB_DYNAMODB=local) refuses them as AWS does, each with its own message.
 * With this check a write that would fail in AWS fails on either backend, the same way and with a
 * message that says which limit, so the tests of the product run against the real service's
 * rules. Ingest bounds every value a clerk can send (core/ledger/limits.ts) so that no clerk's file
 * ever reaches this check; it is the last line, for the pipeline's own mistakes.
 *
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html and
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export const DYNAMO_LIMITS = {
  itemBytes: 400 * 1024,
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  /** Significant digits of a number. */
  numberDigits: 38,
  /** Magnitudes of a non-zero number: 1E-130 to 9.9999999999999999999999999999999999999E+125. */
  minExponent: -130,
  maxExponent: 125,
  /** A top-level attribute's value is level 1; a map or list in it adds one. */
  nestingLevels: 32,
} as const;

/** The table's key attributes (core/shared/storage-keys.ts TABLE). */
const KEYS = { partition: 'pk', sort: 'sk' };

export class DynamoLimitError extends Error {
  override name = 'DynamoLimitError';
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** A number's problem against DynamoDB's precision and range, or null. */
export function numberProblem(n: string): string | null {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(n);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return `not a number: ${n.slice(0, 40)}`;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant === '') return null; // zero
  if (significant.length > DYNAMO_LIMITS.numberDigits) return `number ${n.slice(0, 40)}… has more than ${DYNAMO_LIMITS.numberDigits} significant digits`;
  // Decimal exponent of the leading significant digit.
  const lead = digits.search(/[1-9]/);
  const exponent = Number(m[3] ?? 0) + (m[1].length - 1 - lead);
  if (exponent > DYNAMO_LIMITS.maxExponent || exponent < DYNAMO_LIMITS.minExponent) return `number ${n.slice(0, 40)} is out of DynamoDB's range`;
  return null;
}

/** An attribute's or a map entry's name: DynamoDB refuses an empty one ("Empty attribute name"). */
function checkName(name: string, where: string): void {
  if (name === '') throw new DynamoLimitError(`${where}: an attribute name is empty`);
}

/** Bytes DynamoDB counts for one attribute value (names of map entries included); `level` 1 for a top-level attribute's. */
export function valueSize(v: AttributeValue, where: string, level = 1): number {
  if (level > DYNAMO_LIMITS.nestingLevels) throw new DynamoLimitError(`${where}: nested deeper than DynamoDB's ${DYNAMO_LIMITS.nestingLevels} levels`);
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) {
    const p = numberProblem(v.N);
    if (p) throw new DynamoLimitError(`${where}: ${p}`);
    return Math.ceil(v.N.replace(/^-|[.eE].*$/g, '').length / 2) + 1;
  }
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS) return v.NS.reduce((n, s) => n + valueSize({ N: s }, where), 0);
  if (v.BS) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  if (v.L) return 3 + v.L.reduce((n, e, i) => n + 1 + valueSize(e, `${where}[${i}]`, level + 1), 0);
  if (v.M) {
    return 3 + Object.entries(v.M).reduce((n, [k, e]) => {
      checkName(k, where);
      return n + 1 + utf8(k) + valueSize(e, `${where}.${k}`, level + 1);
    }, 0);
  }
  return 0;
}

/** Throws DynamoLimitError when DynamoDB would refuse the item (size, key lengths, numbers, names, nesting). */
export function checkItem(item: Record<string, AttributeValue>, what: string): void {
  let size = 0;
  for (const [name, v] of Object.entries(item)) {
    checkName(name, what);
    size += utf8(name) + valueSize(v, `${what} ${name}`);
  }
  if (size > DYNAMO_LIMITS.itemBytes) throw new DynamoLimitError(`${what}: item of ${size} bytes is over DynamoDB's ${DYNAMO_LIMITS.itemBytes}`);
  checkKey(item, what);
}

function checkKey(key: Record<string, AttributeValue>, what: string): void {
  const pk = key[KEYS.partition]?.S;
  const sk = key[KEYS.sort]?.S;
  if (pk !== undefined && utf8(pk) > DYNAMO_LIMITS.partitionKeyBytes) throw new DynamoLimitError(`${what}: partition key of ${utf8(pk)} bytes is over DynamoDB's ${DYNAMO_LIMITS.partitionKeyBytes}`);
  if (sk !== undefined && utf8(sk) > DYNAMO_LIMITS.sortKeyBytes) throw new DynamoLimitError(`${what}: sort key of ${utf8(sk)} bytes is over DynamoDB's ${DYNAMO_LIMITS.sortKeyBytes}`);
}

type WriteInput = {
  TableName?: string;
  Item?: Record<string, AttributeValue>;
  Key?: Record<string, AttributeValue>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  RequestItems?: Record<string, Array<{ PutRequest?: { Item?: Record<string, AttributeValue> }; DeleteRequest?: { Key?: Record<string, AttributeValue> } }>>;
};

/** Checks a low-level (marshalled) command input: PutItem, UpdateItem, DeleteItem, BatchWriteItem. */
export function checkWriteInput(command: string, input: WriteInput): void {
  if (input.Item) checkItem(input.Item, command);
  if (input.Key) checkKey(input.Key, command);
  if (input.ExpressionAttributeValues) {
    // An update's values are part of the item it makes: each must fit, and so must their sum.
    let size = 0;
    for (const [name, v] of Object.entries(input.ExpressionAttributeValues)) size += valueSize(v, `${command} ${name}`);
    if (size > DYNAMO_LIMITS.itemBytes) throw new DynamoLimitError(`${command}: values of ${size} bytes are over DynamoDB's ${DYNAMO_LIMITS.itemBytes} item`);
  }
  for (const requests of Object.values(input.RequestItems ?? {})) {
    for (const r of requests) {
      if (r.PutRequest?.Item) checkItem(r.PutRequest.Item, command);
      if (r.DeleteRequest?.Key) checkKey(r.DeleteRequest.Key, command);
    }
  }
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/**
 * Adds the check to a client, on every write command. At the build step: the document client
 * marshals in the serialize step (at high priority), so only from there on is the input made of
 * attribute values; nothing has been sent yet.
 */
export function enforceDynamoLimits(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.has(context.commandName ?? '')) checkWriteInput(context.commandName!, args.input as WriteInput);
      return next(args);
    },
    { step: 'build', name: 'tbDynamoLimits' },
  );
}
