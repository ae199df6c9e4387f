import { DataType, type Field, Precision } from 'apache-arrow';
import { COLUMNS } from '../functions/core/ledger/columns';
import { LEDGER_SCHEMA } from '../functions/formats/columnar-schema';

/**
 * The Glue table's columns, from the one declared schema of the curated Parquet
 * (functions/formats/columnar-schema.ts), so the table cannot drift from the files: Arrow Utf8 →
 * string, Int32 → int, Float64 → double, Date32 (days) → date. Glue keeps names in lower case;
 * Athena matches Parquet columns by name without regard to case, so `unitCode` in a file is
 * `unitcode` in the table (and either spelling in SQL). The comment is the ledger's Chinese header.
 */
export interface GlueColumn {
  name: string;
  type: string;
  comment: string;
}

const EXTRA_COMMENTS: Record<string, string> = {
  unitCode: '报送单位代码（6 位）',
  sourceRow: '上报文件中的行号',
  uploadId: '计入本月的那次上报（回执的 uploadId）',
};

function glueType(f: Field): string {
  if (DataType.isUtf8(f.type)) return 'string';
  if (DataType.isInt(f.type) && f.type.bitWidth === 32 && f.type.isSigned) return 'int';
  if (DataType.isInt(f.type) && f.type.bitWidth === 64 && f.type.isSigned) return 'bigint';
  if (DataType.isFloat(f.type) && f.type.precision === Precision.DOUBLE) return 'double';
  if (DataType.isDate(f.type)) return 'date';
  throw new Error(`curated column ${f.name}: no Glue type for ${String(f.type)}`);
}

export function ledgerGlueColumns(): GlueColumn[] {
  return LEDGER_SCHEMA.fields.map((f) => {
    const header = COLUMNS.find((c) => c.field === f.name)?.header;
    const money = f.metadata.get('unit');
    const base = EXTRA_COMMENTS[f.name] ?? header ?? f.name;
    return { name: f.name.toLowerCase(), type: glueType(f), comment: money ? `${base}（${money}）` : base };
  });
}
