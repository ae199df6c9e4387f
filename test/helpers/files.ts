import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type Table = (string | number | Date | null)[][];

export const CANONICAL_HEADER = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资', '本月完成投资'];

/** A valid ledger row in canonical column order; override by index. */
export function ledgerRow(unit: string, n: number, over: Partial<Record<number, string | number | null>> = {}): (string | number | null)[] {
  const row: (string | number | null)[] = [
    `2604-${unit}-04-01-${String(n).padStart(6, '0')}`,
    `测试项目${n}号`,
    n % 3 === 0 ? '投产' : n % 3 === 1 ? '签约' : '开工',
    (n % 5) + 1,
    n % 3 === 0 ? '已达效' : n % 3 === 1 ? '已落地' : '已开工',
    10000 + n,
    1000 + n,
    800 + n,
    80,
  ];
  for (const [i, v] of Object.entries(over)) row[Number(i)] = v ?? null;
  return row;
}

export function ledgerTable(unit: string, count: number): Table {
  return [CANONICAL_HEADER, ...Array.from({ length: count }, (_, i) => ledgerRow(unit, i + 1))];
}

export async function xlsx(table: Table): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  table.forEach((r) => ws.addRow(r));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function csvText(table: Table): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return table.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
}

export function csvUtf8(table: Table, bom = false): Uint8Array {
  return new TextEncoder().encode((bom ? '\uFEFF' : '') + csvText(table));
}

export function csvGb18030(table: Table): Uint8Array {
  return new Uint8Array(iconv.encode(csvText(table), 'gb18030'));
}
