import { describe, expect, it } from 'vitest';
import { checkLedgerOwner } from '../../../functions/core/ingest/ledger-owner';
import { makeRow } from '../../helpers/rows';

const SHANGJIE = '410106';
/** Rows of 上街区's upload whose project codes carry the given region codes. */
const rowsWith = (...regions: string[]) => regions.map((r, i) => makeRow({ unitCode: SHANGJIE, projectCode: `2604-${r}-04-01-${String(i + 1).padStart(6, '0')}`, sourceRow: 5 + i }));

describe('whose ledger is it (project codes’ 区划代码)', () => {
  it('refuses a file whose projects are mostly another reporting unit’s, naming that unit', () => {
    const r = checkLedgerOwner(rowsWith('410105', '410105', '410105', SHANGJIE), SHANGJIE, '项目代码');
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([
      {
        code: 'other-unit-ledger',
        row: null,
        column: '项目代码',
        value: '410105',
        message: '本文件 4 个项目中有 3 个的项目代码属于金水区（410105），像是金水区的台账，而本次上传的是上街区（410106）的报表：请确认上传的是本单位的台账',
      },
    ]);
  });

  it('names the unit most codes belong to when several others appear', () => {
    const r = checkLedgerOwner(rowsWith('410102', '410105', '410105', '410103'), SHANGJIE, '统一项目代码');
    expect(r.errors[0]).toMatchObject({ code: 'other-unit-ledger', value: '410105', column: '统一项目代码' });
    expect(r.errors[0].message).toContain('4 个项目中有 2 个的项目代码属于金水区');
  });

  it('a few such codes are warnings on their rows, the file accepted', () => {
    const r = checkLedgerOwner(rowsWith(SHANGJIE, SHANGJIE, '410105', SHANGJIE), SHANGJIE, '项目代码');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      {
        code: 'code-other-unit',
        row: 7,
        column: '项目代码',
        value: '2604-410105-04-01-000003',
        message: '第 7 行“项目代码”2604-410105-04-01-000003中的区划代码 410105 属于金水区，不是本单位（上街区）：请核实项目归属',
      },
    ]);
    // exactly half is not "most"
    expect(checkLedgerOwner(rowsWith(SHANGJIE, SHANGJIE, '410105', '410105'), SHANGJIE, '项目代码').errors).toEqual([]);
  });

  it('city-level codes, codes outside Henan, codes not in the national format and tiny files prove nothing', () => {
    // 410100 is 郑州市 (city level, no reporting unit), 110101 is Beijing: Q7 speaks of those.
    expect(checkLedgerOwner(rowsWith('410100', '410100', '110101', '410100'), SHANGJIE, '项目代码')).toEqual({ errors: [], warnings: [] });
    const odd = [makeRow({ unitCode: SHANGJIE, projectCode: 'ZZ-410105-001' }), makeRow({ unitCode: SHANGJIE, projectCode: 'ZZ-410105-002' }), makeRow({ unitCode: SHANGJIE, projectCode: 'ZZ-410105-003' })];
    expect(checkLedgerOwner(odd, SHANGJIE, '项目代码')).toEqual({ errors: [], warnings: [] });
    // two national-format codes only: warnings, never a refusal
    const two = checkLedgerOwner(rowsWith('410105', '410105'), SHANGJIE, '项目代码');
    expect(two.errors).toEqual([]);
    expect(two.warnings.map((w) => w.code)).toEqual(['code-other-unit', 'code-other-unit']);
  });
});
