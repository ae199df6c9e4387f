/**
 * Resource definitions shared by the CDK stack and the local runtime, so the embedded servers
 * get exactly the table keys and bucket roles that AWS gets.
 *
 * Single-table design (all keys are strings):
 *   pk = MONTH#{YYYY-MM}
 *     sk = CURRENT#{unit}                  pointer to the unit's current upload for the month
 *     sk = RECEIPT#{unit}#{uploadId}       receipt summary of one upload
 *     sk = RATES#{level}#{code}            computed result of one unit (province/city/county)
 *     sk = SEND#{edition}#{recipient}      send log of the bulletin mails
 *   pk = LEDGER#{YYYY-MM}#{unit}#{uploadId}
 *     sk = ROW#{projectCode}               one normalized ledger row of one upload (a snapshot)
 *   pk = TOKEN#{sha256 of the token}
 *     sk = TOKEN                           a portal token: unit/role, expiry, revocation (never the token)
 *   pk = TOKENS
 *     sk = TOKEN#{tokenId}                 index of tokens, for `tb tokens list/revoke`
 *
 * A re-upload writes its snapshot under a new pk, flips CURRENT# with a conditional update
 * (newer event wins; no transactions needed), then deletes the superseded snapshot.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

/** Logical bucket roles → environment variable the handlers read the bucket name from. */
export const BUCKETS = {
  raw: { env: 'RAW_BUCKET', localName: 'tb-raw' },
  curated: { env: 'CURATED_BUCKET', localName: 'tb-curated' },
  reports: { env: 'REPORTS_BUCKET', localName: 'tb-reports' },
} as const;

export const TABLE_ENV = 'TABLE_NAME';
export const LOCAL_TABLE_NAME = 'tb-ledger';

/** Key prefixes inside the buckets. Outputs never land under `incoming/` (no recursion). */
export const PREFIX = {
  incoming: 'incoming/',
  receipts: 'receipts/',
  reports: 'reports/',
  curated: 'ledger/',
} as const;
