import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCuratedMonth } from '../../cli/local/curated-out';
import type { LocalPipeline } from '../../cli/local/runtime';
import { parquetToIpcStream } from '../../functions/adapters/columnar/parquet';
import { ledgerIpc } from '../../functions/formats/columnar-schema';
import type { LedgerRow } from '../../functions/core/ledger/ledger-row';
import { countyForm, formCsv, formXlsx } from '../helpers/files';
import { startPipeline } from '../helpers/pipeline';
import { objectKeys } from '../../functions/core/shared/storage-keys';

let p: LocalPipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

const LIBREOFFICE = new URL('../fixtures/libreoffice-411102-2026-10.xlsx', import.meta.url);

/** The curated Parquet copy read back (the way an analyst's tool would, via Arrow). */
async function readParquet(key: string): Promise<Record<string, unknown>[]> {
  const bytes = await p.store.getBytes(p.servers.buckets.curated, key);
  return tableFromIPC(parquetToIpcStream(bytes)).toArray().map((r) => r.toJSON());
}

const withoutUnit = (rows: LedgerRow[]) => rows.map(({ unitCode: _u, ...r }) => r);
/** The rows of one form as filled in by any unit: no unit, and the 区划代码 of the project codes blanked. */
const sameForm = (rows: LedgerRow[]) => withoutUnit(rows).map((r) => ({ ...r, projectCode: r.projectCode.replace(/^(\d{4})-\d{6}-/, '$1-RRRRRR-') }));

describe('real county forms through the pipeline', () => {
  it('the LibreOffice-saved form: accepted, rows stored as written, columnar copy readable', async () => {
    await p.upload('incoming/2026-10/411102/411102-源汇区.xlsx', new Uint8Array(readFileSync(LIBREOFFICE)));
    const [r] = (await p.drain()).receipts;
    expect(r.status).toBe('accepted');
    expect(r.summary).toBe('已接收：源汇区 2026年10月 共 7 个项目');
    expect(r.counts).toEqual({ projects: 7, errors: 0, warnings: 0, skippedRows: 3 });
    const rows = (await p.repo.readLedger('2026-10'))['411102'];
    expect(rows.map((x) => x.sourceRow)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(rows[1]).toMatchObject({
      projectCode: '2604-411102-04-01-000102',
      projectName: '源汇区智能装备\n产业园（二期）',
      batch: '开工',
      phase: 13,
      status: '已开工',
      totalInvestment: 18600,
      annualPlan: 6000,
      ytdCompleted: 5120,
      monthCompleted: null,
      signedDate: '2026-02-01',
      startDate: '2026-04-20',
      problems: '<script>alert(1)</script>',
    });
    expect(rows[2]).toMatchObject({ phase: 13, status: '已达效', productionDate: '2026-06-30', problems: '=HYPERLINK("http://example.com","点击查看")' });

    const copy = await readParquet(objectKeys.curatedUpload('2026-10', '411102', r.uploadId).parquet);
    expect(copy).toHaveLength(7);
    expect(copy[1]).toMatchObject({ unitCode: '411102', projectCode: '2604-411102-04-01-000102', phase: 13, totalInvestment: 18600, monthCompleted: null, problems: '<script>alert(1)</script>', uploadId: r.uploadId, sourceRow: 6 });
    expect(new Date(copy[1].startDate as number).toISOString().slice(0, 10)).toBe('2026-04-20');
  });

  it('one form as Excel .xlsx (with a 填报说明 sheet first), GB18030 CSV, UTF-8 CSV with BOM and Arrow: the same rows', async () => {
    // The same form filled in by three units (each its own project codes: a unit's ledger under
    // another unit's name is refused, test/integration/ingest-errors.test.ts).
    const form = (unit: string, unitName: string) => countyForm({ unit, unitName, month: '2026-10', projects: 40 });
    await p.upload('incoming/2026-10/411103/411103-郾城区.xlsx', await formXlsx(form('411103', '郾城区'), { sheetsBefore: ['填报说明'] }));
    await p.upload('incoming/2026-10/411104/411104-召陵区.csv', formCsv(form('411104', '召陵区'), 'gb18030'));
    await p.upload('incoming/2026-10/411121/411121-舞阳县.csv', formCsv(form('411121', '舞阳县'), 'utf8-bom'));
    const drained = await p.drain();
    expect(drained.receipts.map((r) => [r.status, r.counts.projects, r.counts.warnings])).toEqual([
      ['accepted', 40, 0],
      ['accepted', 40, 0],
      ['accepted', 40, 0],
    ]);
    const ledger = await p.repo.readLedger('2026-10');
    const xlsxRows = ledger['411103'];
    expect(xlsxRows[0]).toMatchObject({ sourceRow: 5, batch: '开工', phase: 11, status: '已开工', signedDate: '2025-02-02', startDate: '2026-04-08' });
    expect(sameForm(ledger['411104'])).toEqual(sameForm(xlsxRows));
    expect(sameForm(ledger['411121'])).toEqual(sameForm(xlsxRows));

    // A machine's export: Arrow IPC with the columnar copy's column names.
    const as411122 = (r: LedgerRow) => ({ ...r, unitCode: '411122', projectCode: r.projectCode.replace('-411103-', '-411122-') });
    await p.upload('incoming/2026-10/411122/411122.arrow', ledgerIpc(xlsxRows.map((r) => ({ ...as411122(r), uploadId: 'x' }))));
    const [arrow] = (await p.drain()).receipts;
    expect(arrow.status).toBe('accepted');
    const fromArrow = (await p.repo.readLedger('2026-10'))['411122'];
    expect(fromArrow.map(({ sourceRow: _s, ...r }) => r)).toEqual(xlsxRows.map(({ sourceRow: _s, ...r }) => as411122({ ...r, sourceRow: 0 })).map(({ sourceRow: _s, ...r }) => r));
  });

  it('a 合计 row that disagrees with the projects: accepted, with the warning in the receipt', async () => {
    const form = countyForm({ unit: '411081', unitName: '禹州市', month: '2026-10', projects: 12, moneyUnit: '亿元', totalRow: 'wrong' });
    await p.upload('incoming/2026-10/411081/禹州市.xlsx', await formXlsx(form));
    const [r] = (await p.drain()).receipts;
    expect(r.status).toBe('accepted');
    expect(r.summary).toBe('已接收：禹州市 2026年10月 共 12 个项目，警告 1 条');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'sum-mismatch', row: form.totalRow, column: '总投资' });
    // The form is in 亿元: the message shows the clerk's own numbers.
    expect(r.warnings[0].message).toBe(`第 ${form.totalRow} 行“合计”的“总投资”为 158.7679，与各项目之和 58.7679 不一致（相差 100），请核对合计或项目数据`);
    // 单位：亿元 in the form: stored in 万元.
    const rows = (await p.repo.readLedger('2026-10'))['411081'];
    expect(rows[0].totalInvestment).toBe(5000 + 7919);
  });

  it('the export after compute writes the month’s current ledger once per unit; the local copy lands in out/curated/ledger/month=… (Parquet) and ledger-arrow/month=…', async () => {
    // 411102 uploads again: the month copy must hold the new rows only.
    const form = countyForm({ unit: '411102', unitName: '源汇区', month: '2026-10', projects: 3 });
    await p.upload('incoming/2026-10/411102/411102-源汇区-更正.xlsx', await formXlsx(form));
    const [again] = (await p.drain()).receipts;
    expect(again.status).toBe('accepted');
    await p.compute({ month: '2026-10' });
    expect(await p.exported()).toEqual({ failures: [] });

    const month = await readParquet(objectKeys.curatedMonth('2026-10').parquet);
    const ledger = await p.repo.readLedger('2026-10');
    const expected = Object.keys(ledger).sort().flatMap((u) => ledger[u].map((r) => `${r.unitCode}:${r.projectCode}`));
    expect(month.map((r) => `${r.unitCode}:${r.projectCode}`)).toEqual(expected);
    expect(month.filter((r) => r.unitCode === '411102').map((r) => r.uploadId)).toEqual([again.uploadId, again.uploadId, again.uploadId]);
    // The upload history keeps both 411102 uploads.
    const history = await p.store.list(p.servers.buckets.curated, 'uploads/month=2026-10/unit=411102/');
    expect(history.filter((k) => k.endsWith('.parquet'))).toHaveLength(2);

    const out = mkdtempSync(join(tmpdir(), 'tb-curated-'));
    const written = await copyCuratedMonth(p.store, p.servers.buckets.curated, '2026-10', out);
    // The bucket's own keys: Parquet alone under ledger/ (the analysts' table), Arrow apart.
    expect(written.map((f) => f.slice(out.length)).sort()).toEqual(['/curated/ledger-arrow/month=2026-10/ledger.arrow', '/curated/ledger/month=2026-10/ledger.parquet']);
    expect(await p.store.list(p.servers.buckets.curated, 'ledger/')).toEqual(['ledger/month=2026-10/ledger.parquet']);
    const fromDisk = tableFromIPC(parquetToIpcStream(new Uint8Array(readFileSync(join(out, 'curated/ledger/month=2026-10/ledger.parquet')))));
    expect(fromDisk.numRows).toBe(expected.length);
    expect(tableFromIPC(new Uint8Array(readFileSync(join(out, 'curated/ledger-arrow/month=2026-10/ledger.arrow')))).numRows).toBe(expected.length);
  });
});
