import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../../functions/core/ingest/parse-ledger';
import { COLUMNS, type LedgerField } from '../../../functions/core/ledger/columns';
import type { Cell } from '../../../functions/core/ledger/cell-values';
import type { RawSheet } from '../../../functions/formats/readers/sheet';

/**
 * Each value reaches its own field, whatever the order of the columns in the file (and of the
 * fields in COLUMNS): the parser keeps a row's values by field id, so a mix-up of ids would put
 * a value into another field of the same type without any error.
 */
const UNIT = '411102';
const ctx = { month: '2026-10', unitCode: UNIT, maxRows: 100 };

/** For each field: two rows' cells, each unlike any other field's, and the values they read as. */
const SAMPLE: Record<LedgerField, [Cell, unknown, Cell, unknown]> = {
  projectCode: ['CODE-0001', 'CODE-0001', 'CODE-0002', 'CODE-0002'],
  projectName: ['名称一', '名称一', '名称二', '名称二'],
  batch: ['开工', '开工', '投产一批', '投产'],
  phase: [7, 7, '第十一期', 11],
  status: ['已投产', '已投产', '在建', '已开工'],
  totalInvestment: [1001, 1001, '2002.5', 2002.5],
  annualPlan: [502, 502, 604, 604],
  ytdCompleted: [303, 303, '405.25', 405.25],
  monthCompleted: [44, 44, 66, 66],
  industry: ['产业甲', '产业甲', '产业乙', '产业乙'],
  unitCode: [UNIT, UNIT, UNIT, UNIT],
  signedDate: ['2026-01-11', '2026-01-11', '2025/12/21', '2025-12-21'],
  landedDate: ['2026-02-12', '2026-02-12', '2026.1.22', '2026-01-22'],
  startDate: [new Date(Date.UTC(2026, 2, 13)), '2026-03-13', '2026年2月23日', '2026-02-23'],
  productionDate: ['2026-04-14', '2026-04-14', '2026-03-24', '2026-03-24'],
  progress: ['进度丙', '进度丙', '进度丁', '进度丁'],
  problems: ['问题戊', '问题戊', '问题己', '问题己'],
  leader: ['领导庚', '领导庚', '领导辛', '领导辛'],
};

/** The row's keys, in the order every stored row has them. */
const ROW_KEYS = [
  'unitCode',
  'projectCode',
  'projectName',
  'batch',
  'phase',
  'status',
  'totalInvestment',
  'annualPlan',
  'ytdCompleted',
  'monthCompleted',
  'industry',
  'signedDate',
  'landedDate',
  'startDate',
  'productionDate',
  'progress',
  'problems',
  'leader',
  'sourceRow',
];

/**
 * A sheet with every column, in the given order of fields: a title, the header, two projects,
 * a row with an unreadable value in each column that can have one, and a 合计 row whose
 * 年度计划投资 is off (the other totals are right).
 */
function sheetOf(fields: LedgerField[]): RawSheet {
  const invalid: Partial<Record<LedgerField, Cell>> = { batch: '签约二批', phase: '第零期', status: '进行中', totalInvestment: '待定', signedDate: '明年' };
  const sum: Partial<Record<LedgerField, Cell>> = { projectName: '合计', totalInvestment: 3003.5, annualPlan: 1000, ytdCompleted: 708.25, monthCompleted: 110 };
  const header = fields.map((f) => COLUMNS.find((d) => d.field === f)!.header);
  const rows: Cell[][] = [
    ['源汇区项目台账（2026年10月）'],
    header,
    fields.map((f) => SAMPLE[f][0]),
    fields.map((f) => SAMPLE[f][2]),
    fields.map((f) => (f === 'projectCode' ? 'CODE-0003' : (invalid[f] ?? SAMPLE[f][0]))),
    fields.map((f) => sum[f] ?? null),
  ];
  return { name: null, rows: rows.map((cells, i) => ({ number: i + 1, cells })) };
}

const FIELDS = COLUMNS.map((d) => d.field);

/** Permutations of the columns: reversed, rotated, and a shuffle with a fixed seed. */
function permutations(): LedgerField[][] {
  let seed = 20261031;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const shuffled = [...FIELDS];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return [[...FIELDS].reverse(), [...FIELDS.slice(7), ...FIELDS.slice(0, 7)], shuffled];
}

describe('ledger rows from the field list', () => {
  it('puts each column’s value into its own field', () => {
    const r = parseLedger(sheetOf(FIELDS), ctx);
    expect(r.rows).toHaveLength(2);
    for (const [i, sample] of [
      [0, 1],
      [1, 3],
    ] as const) {
      const row = r.rows[i] as unknown as Record<string, unknown>;
      for (const field of FIELDS) expect([field, row[field]]).toEqual([field, SAMPLE[field][sample]]);
      expect(row.sourceRow).toBe(3 + i);
    }
  });

  it('builds every row with the same keys in the same order (the stored JSON)', () => {
    // The order follows COLUMNS (unitCode first, sourceRow last): reordering COLUMNS shows here.
    for (const row of parseLedger(sheetOf(FIELDS), ctx).rows) expect(Object.keys(row)).toEqual(ROW_KEYS);
    const few = parseLedger(
      { name: null, rows: [{ number: 1, cells: ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资'] }, { number: 2, cells: ['A1', '名称', '签约', 1, '已签约', 10, 5, 1] }] },
      ctx,
    );
    // Fields without a column are there too, as null.
    expect(Object.keys(few.rows[0])).toEqual(ROW_KEYS);
    expect(few.rows[0]).toMatchObject({ unitCode: UNIT, monthCompleted: null, industry: null, signedDate: null, leader: null });
  });

  it('reports an unreadable value on its own column, and checks each money column’s 合计 against its own sum', () => {
    const r = parseLedger(sheetOf(FIELDS), ctx);
    expect(r.errors.map((e) => [e.code, e.row, e.column, e.value])).toEqual([
      ['invalid-batch', 5, '批次', '签约二批'],
      ['invalid-phase', 5, '期次', '第零期'],
      ['invalid-status', 5, '项目状态', '进行中'],
      ['invalid-money', 5, '总投资', '待定'],
      ['invalid-date', 5, '签约日期', '明年'],
    ]);
    // Without the unreadable row, the file is accepted and its 合计 row is checked.
    const clean = sheetOf(FIELDS);
    clean.rows.splice(4, 1);
    const ok = parseLedger(clean, ctx);
    expect(ok.errors).toEqual([]);
    expect(ok.warnings.map((w) => [w.code, w.column, w.value])).toEqual([['sum-mismatch', '年度计划投资', '1000']]);
    expect(ok.warnings[0].message).toContain('与各项目之和 1106 不一致');
  });

  it('the order of the columns in the file changes nothing', () => {
    const withoutBadRow = (fields: LedgerField[]) => {
      const s = sheetOf(fields);
      s.rows.splice(4, 1);
      return s;
    };
    const base = parseLedger(sheetOf(FIELDS), ctx);
    const baseOk = parseLedger(withoutBadRow(FIELDS), ctx);
    for (const order of permutations()) {
      expect(order).not.toEqual(FIELDS);
      expect([...order].sort()).toEqual([...FIELDS].sort());
      const r = parseLedger(sheetOf(order), ctx);
      // Errors come in row order, then in the order of COLUMNS within a row, not in the file's.
      expect(r.errors).toEqual(base.errors);
      // Key order too: the stored rows are the same JSON.
      expect(JSON.stringify(parseLedger(withoutBadRow(order), ctx))).toBe(JSON.stringify(baseOk));
    }
  });
});
