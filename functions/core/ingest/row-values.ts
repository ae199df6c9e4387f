import { COLUMNS, type LedgerField } from '../ledger/columns';
import type { LedgerRow } from '../ledger/ledger-row';

/**
 * The parse loop keeps the current row's values in one reused array, by field id: a field's id
 * is its position in COLUMNS, so the ids, the money fields and the row's shape all come from the
 * column list and cannot drift from it.
 */
export const FIELD_COUNT = COLUMNS.length;

export const FIELD_IDS = {} as Record<LedgerField, number>;
COLUMNS.forEach((def, id) => {
  if (def.field in FIELD_IDS) throw new Error(`COLUMNS lists the field ${def.field} twice`);
  FIELD_IDS[def.field] = id;
});

/** Ids of the money columns (their sums are checked against a 合计 row). */
export const MONEY_IDS: readonly number[] = COLUMNS.flatMap((def, id) => (def.type === 'money' ? [id] : []));

/** The values by field id → the ledger row: `unitCode` is the upload's (a unit column only checks it). */
export type MakeRow = (values: readonly unknown[], unitCode: string, sourceRow: number) => LedgerRow;

/**
 * The row's keys, in order: the upload's unit, the fields of COLUMNS in their order, the row
 * number (unitCode, projectCode, projectName, …, leader, sourceRow).
 */
export const ROW_KEYS: readonly (keyof LedgerRow)[] = ['unitCode', ...COLUMNS.map((d) => d.field).filter((f) => f !== 'unitCode'), 'sourceRow'];

/**
 * makeRow is generated once, from the field list, as a single object literal: one allocation per
 * row, every row of the same shape, as fast as the literal written by hand. (Assigning the fields
 * one by one in a loop measured ~25× slower per row.) Its source holds only the field names of
 * COLUMNS, quoted, and array indexes.
 */
function compileMakeRow(): MakeRow {
  const props = ROW_KEYS.map((key) => {
    const value = key === 'unitCode' ? 'unitCode' : key === 'sourceRow' ? 'sourceRow' : `values[${FIELD_IDS[key]}]`;
    return `${JSON.stringify(key)}: ${value}`;
  });
  return new Function('values', 'unitCode', 'sourceRow', `'use strict';\nreturn { ${props.join(', ')} };`) as MakeRow;
}

export const makeRow: MakeRow = compileMakeRow();
