/**
 * Every S3 object key and every DynamoDB key shape of the pipeline, in one place: the handlers,
 * the CDK app (prefix-scoped grants, the notification filter) and the local runtime all build
 * keys here. See docs/architecture.md for the picture.
 *
 * Buckets (names come from the environment, see functions/adapters/env.ts):
 *   raw      incoming/{YYYY-MM}/{unit}/{file}          uploads (the only prefix that notifies); {file} at
 *                                                      most 120 bytes, the name as written in metadata
 *            receipts/{YYYY-MM}/{unit}/{uploadId}.json  one receipt per upload
 *            receipts/invalid/{uploadId}.json           receipts of keys with no month or unit
 *   curated  uploads/month=…/unit=…/{uploadId}.parquet  each accepted upload (+ .arrow)
 *            ledger/month=…/ledger.parquet             the month's current ledger: Parquet only, the Glue
 *                                                      table `ledger` reads this prefix (infra/analytics.ts)
 *            ledger-arrow/month=…/ledger.arrow         the same rows as Arrow IPC, apart so the table never
 *                                                      meets a file that is not Parquet
 *            audit/month=…/audit.jsonl                 the month's audit trail as published (JSON Lines)
 *   reports  reports/{YYYY-MM}/rates.json               the month's computed results (the draft, or
 *                                                      the latest published version once published)
 *            reports/{YYYY-MM}/bulletin-{YYYY-MM}[-{city}].pdf (+ .html)
 *            reports/{YYYY-MM}/v{N}/…                  version N as published: rates.json, the PDFs
 *            reports/evaluation/{YYYY}/evaluation.json  the year's 年度考评 (+ evaluation-{YYYY}.pdf, .html)
 *
 * Single table (all keys are strings):
 *   pk = MONTH#{YYYY-MM}
 *     sk = CURRENT#{unit}                  pointer to the unit's current upload for the month
 *     sk = RECEIPT#{unit}#{uploadId}       receipt of one upload
 *     sk = SEND#{edition}#{recipient}      send log of the bulletin mails
 *     sk = STATE                           the month's state: open/locked/published/republished, version
 *     sk = PIN#v{N}#{unit}                 the upload version N is computed on (pinned at lock/republish)
 *     sk = REVIEW#{unit}#{uploadId}        the city's review of one upload (审核通过/退回, 不予认定)
 *   pk = AUDIT#{YYYY-MM} | AUDIT#global
 *     sk = {ISO time}#{random}             one append-only audit record
 *   pk = LEDGER#{YYYY-MM}#{unit}#{uploadId}
 *     sk = CHUNK#{nnnn}                    gzip JSON of a run of the upload's normalized rows, by column (a snapshot)
 *     sk = ROW#{projectCode}               one row, as snapshots were written before chunks (read only)
 *   pk = DIGESTS#{YYYY-MM}
 *     sk = {unit}#{uploadId}#{nnnn}        part of an upload's digest (what compute reads), kept as long as its snapshot
 *   pk = TOKEN#{sha256 of the token}
 *     sk = TOKEN                           a portal token: unit/role, expiry, revocation (never the token)
 *   pk = TOKENS
 *     sk = TOKEN#{tokenId}                 index of tokens, for `tb tokens list/revoke`
 *
 * A re-upload writes its snapshot under a new pk, flips CURRENT# with a conditional update
 * (newer event wins; no transactions needed), then deletes the superseded snapshot and digest.
 */
import { CITIES } from './divisions';
import { boundedKeyName } from './file-names';

export const TABLE = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Key prefixes inside the buckets. Nothing the pipeline writes lands under `incoming/` (no recursion). */
export const PREFIX = {
  incoming: 'incoming/',
  receipts: 'receipts/',
  reports: 'reports/',
  /** The month's current ledger in the curated bucket, Parquet only: the location of the Glue table. */
  curated: 'ledger/',
  /** The month's current ledger as Arrow IPC: its own prefix, outside the table's location. */
  curatedArrow: 'ledger-arrow/',
  /** Each accepted upload's columnar copy in the curated bucket. */
  curatedUploads: 'uploads/',
  /** The months' audit trails, exported with the curated data at each publish. */
  curatedAudit: 'audit/',
} as const;

/** The edition key of the province bulletin (city editions use the city-level code). */
export const PROVINCE_EDITION = 'province';

/** Codes that name an edition: `province` and the 19 city-level codes. */
export function editionCodes(): string[] {
  return [PROVINCE_EDITION, ...CITIES.map((c) => c.code)];
}

export const objectKeys = {
  /**
   * Where a clerk's file lands (raw bucket). The file's name is bounded in bytes, whatever it is
   * (file-names.ts: boundedKeyName), so that every upload key fits S3 and the embedded S3 on disk;
   * the name as written travels as the object's metadata (FILE_NAME_META).
   */
  upload: (month: string, unitCode: string, fileName: string) => `${objectKeys.uploadPrefix(month, unitCode)}${boundedKeyName(fileName)}`,
  /** The folder of one unit's uploads for a month. */
  uploadPrefix: (month: string, unitCode: string) => `${PREFIX.incoming}${month}/${unitCode}/`,
  /** An upload's receipt (raw bucket); a key with no month or unit files it under `invalid/`. */
  receipt: (month: string | null, unitCode: string | null, uploadId: string) =>
    month && unitCode ? `${PREFIX.receipts}${month}/${unitCode}/${uploadId}.json` : `${PREFIX.receipts}invalid/${uploadId}.json`,
  /** Every issue of an upload whose receipt lists only the first ones (raw bucket, beside the receipt). */
  receiptIssues: (month: string | null, unitCode: string | null, uploadId: string) =>
    month && unitCode ? `${PREFIX.receipts}${month}/${unitCode}/${uploadId}.issues.json` : `${PREFIX.receipts}invalid/${uploadId}.issues.json`,
  /** The month's computed results (reports bucket). */
  rates: (month: string) => `${PREFIX.reports}${month}/rates.json`,
  /** Version N of the month as published (reports bucket), kept when later versions replace it. */
  ratesVersion: (month: string, version: number) => `${PREFIX.reports}${month}/v${version}/rates.json`,
  /**
   * One edition's PDF and the HTML Chromium printed (reports bucket); with a version, that
   * published version's copy (the unversioned keys hold the latest).
   */
  bulletin: (month: string, edition: string = PROVINCE_EDITION, version?: number) => {
    const base = edition === PROVINCE_EDITION ? `bulletin-${month}` : `bulletin-${month}-${edition}`;
    const dir = version ? `${PREFIX.reports}${month}/v${version}` : `${PREFIX.reports}${month}`;
    return { pdf: `${dir}/${base}.pdf`, html: `${dir}/${base}.html` };
  },
  /**
   * The year's 年度考评 (reports bucket): evaluation.json, its PDF and the HTML Chromium printed.
   * Under `reports/evaluation/`, apart from the months (`reports/{YYYY-MM}/`): no month key starts so.
   */
  evaluation: (year: number) => {
    const dir = `${PREFIX.reports}evaluation/${year}`;
    return { json: `${dir}/evaluation.json`, pdf: `${dir}/evaluation-${year}.pdf`, html: `${dir}/evaluation-${year}.html` };
  },
  /** One accepted upload's columnar copy (curated bucket). */
  curatedUpload: (month: string, unitCode: string, uploadId: string) => {
    const base = `${PREFIX.curatedUploads}month=${month}/unit=${unitCode}/${uploadId}`;
    return { parquet: `${base}.parquet`, arrow: `${base}.arrow` };
  },
  /**
   * The month's current ledger (curated bucket), replaced by every compute of the month. The
   * Parquet file alone is under `ledger/` (a Hive partition `month=…` of the analysts' table);
   * the Arrow copy keeps the same partition folder under `ledger-arrow/`.
   */
  curatedMonth: (month: string) => ({
    parquet: `${PREFIX.curated}month=${month}/ledger.parquet`,
    arrow: `${PREFIX.curatedArrow}month=${month}/ledger.arrow`,
  }),
  /** The month's audit trail (curated bucket), rewritten whole at each publish and republish. */
  curatedAudit: (month: string) => `${PREFIX.curatedAudit}month=${month}/audit.jsonl`,
};

export const tableKeys = {
  month: (month: string) => `MONTH#${month}`,
  pointer: (unitCode: string) => `CURRENT#${unitCode}`,
  pointerPrefix: 'CURRENT#',
  receipt: (unitCode: string | null, uploadId: string) => `RECEIPT#${unitCode ?? 'unknown'}#${uploadId}`,
  /** All receipts of the month, or of one unit. */
  receiptPrefix: (unitCode?: string) => (unitCode ? `RECEIPT#${unitCode}#` : 'RECEIPT#'),
  send: (edition: string, recipient: string) => `SEND#${edition}#${recipient}`,
  sendPrefix: 'SEND#',
  monthState: 'STATE',
  pin: (version: number, unitCode: string) => `PIN#v${version}#${unitCode}`,
  pinPrefix: (version: number) => `PIN#v${version}#`,
  review: (unitCode: string, uploadId: string) => `REVIEW#${unitCode}#${uploadId}`,
  reviewPrefix: (unitCode?: string) => (unitCode ? `REVIEW#${unitCode}#` : 'REVIEW#'),
  audit: (month: string | null) => `AUDIT#${month ?? 'global'}`,
  auditSk: (at: string, nonce: string) => `${at}#${nonce}`,
  snapshot: (month: string, unitCode: string, uploadId: string) => `LEDGER#${month}#${unitCode}#${uploadId}`,
  /** Every snapshot's partition key starts so (the export function may read these partitions only). */
  snapshotPrefix: 'LEDGER#',
  /** One chunk of a snapshot's rows (adapters/aws/snapshot-chunks.ts). */
  chunk: (index: number) => `CHUNK#${String(index).padStart(4, '0')}`,
  /** One row of a snapshot written before chunks (still read, never written). */
  row: (projectCode: string) => `ROW#${projectCode}`,
  /** The month's upload digests, what compute reads (adapters/aws/digest-store.ts): one partition a month. */
  digests: (month: string) => `DIGESTS#${month}`,
  /** One part of an upload's digest; the unit first, so a range of units is a range of keys. */
  digestPart: (unitCode: string, uploadId: string, part: number) => `${unitCode}#${uploadId}#${String(part).padStart(4, '0')}`,
  digestPrefix: (unitCode: string, uploadId: string) => `${unitCode}#${uploadId}#`,
  token: (hash: string) => `TOKEN#${hash}`,
  tokenSk: 'TOKEN',
  tokenIndexPk: 'TOKENS',
  tokenIndexSk: (id: string) => `TOKEN#${id}`,
};

/** The month partition's key for items that belong to no valid month (receipts of bad keys). */
export const INVALID_MONTH = 'invalid';
