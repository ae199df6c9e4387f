/**
 * The ports: what the stages (functions/{ingest,compute,report,api}) need from the outside
 * world, as small interfaces. Adapters (functions/adapters/) implement them against S3,
 * DynamoDB, Chromium, SES/SMTP and the file system; use cases depend only on these, so a test
 * can hand them the real adapters on the embedded servers or a fault-injecting stand-in.
 */
import type { LinkInfo } from './bulletin/email';
import type { BulletinModel } from './bulletin/view-model';
import type { ReceiptMailModel } from './delivery/receipt-mail';
import type { ReminderModel } from './delivery/reminders';
import type { ClaimResult, SendClaim, SendLogEntry } from './delivery/send-log';
import type { Pointer, FlipOutcome } from './ingest/upload-order';
import type { Receipt } from './ingest/receipt';
import type { UploadDigest } from './ledger/upload-digest';
import type { LedgerRow, MonthLedger } from './ledger/ledger-row';
import type { TokenRecord } from './portal/tokens';
import type { AuditEntry } from './audit/audit-entry';
import type { Actor, MonthAction, MonthState } from './month/month-state';
import type { ReviewRecord } from './review/review';
import type { ReviewMailModel } from './review/review-mail';

/** The review mail's HTML part (templates/review-mail.hbs). */
export interface ReviewMailTemplate {
  reviewMailHtml(model: ReviewMailModel): Promise<string>;
}

/** Objects in a bucket (S3, or the embedded S3). */
export interface ObjectStore {
  /** The object's bytes; with a versionId, exactly that version (the raw bucket is versioned). */
  getBytes(bucket: string, key: string, versionId?: string | null): Promise<Uint8Array>;
  /** The bytes and the user metadata (names without `x-amz-meta-`, lower case) in one request. */
  getObject(bucket: string, key: string, versionId?: string | null): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }>;
  getJson<T>(bucket: string, key: string): Promise<T>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
  /** Whether the object exists (a HEAD: nothing downloaded). */
  exists(bucket: string, key: string): Promise<boolean>;
}

/** Ingest's view of the table: receipts, snapshots, the CURRENT pointers. */
export interface UploadLedger {
  getReceipt(month: string, unit: string, uploadId: string): Promise<Receipt | null>;
  putReceipt(receipt: Receipt, receiptKey: string): Promise<void>;
  writeSnapshot(month: string, unit: string, uploadId: string, rows: LedgerRow[]): Promise<void>;
  deleteSnapshot(month: string, unit: string, uploadId: string): Promise<void>;
  /** Makes `pointer` the unit's current upload for the month unless a newer one already is. */
  flipPointer(month: string, pointer: Pointer): Promise<FlipOutcome>;
  getPointer(month: string, unit: string): Promise<Pointer | null>;
}

export type ReceiptState = Pick<Receipt, 'unitCode' | 'status' | 'uploadId'> & { eventTime: string | null };

/** Each accepted upload's digest (core/ledger/upload-digest.ts): ingest writes it, compute reads the month's. */
export interface UploadDigests {
  write(digest: UploadDigest): Promise<void>;
  /** Drops an upload's digest: where its snapshot is deleted (superseded, outside the correction period). */
  discard(month: string, unitCode: string, uploadId: string): Promise<void>;
  /** The digests of exactly these uploads, in the pointers' order. */
  read(month: string, pointers: readonly Pointer[]): Promise<UploadDigest[]>;
}

/** Compute's view: the month's current ledger in (and who had every upload refused), the rates out. */
export interface MonthLedgerStore {
  /**
   * The unit, status, upload and S3 event time of each receipt of the month (not the receipts:
   * they hold every error). The event time of the current upload gives its timeliness.
   */
  receiptStates(month: string): Promise<ReceiptState[]>;
  /** The month's ledger and, per unit, the upload its rows come from. */
  readCurrent(month: string): Promise<{ ledger: MonthLedger; uploadIds: Record<string, string> }>;
  /** The ledger of exactly these uploads (a published version's pinned pointers). */
  readAt(month: string, pointers: Pointer[]): Promise<{ ledger: MonthLedger; uploadIds: Record<string, string> }>;
  getPointers(month: string): Promise<Pointer[]>;
  readLedger(month: string): Promise<MonthLedger>;
}

/** The portal's view: receipts and pointers of a month. */
export interface ReceiptsView {
  /** Receipts of the month; of one unit when `unitCode` is given. */
  listReceipts(month: string, unitCode?: string): Promise<Receipt[]>;
  getPointers(month: string): Promise<Pointer[]>;
}

/** The columnar copies for analysts (Arrow + Parquet in the curated bucket). */
export interface CuratedWriter {
  writeUpload(month: string, unit: string, uploadId: string, rows: LedgerRow[]): Promise<string[]>;
  writeMonth(month: string, ledger: MonthLedger, uploadIdOf: (unit: string) => string): Promise<string[]>;
  /** The month's audit trail beside its ledger (`audit/month=…/audit.jsonl`); returns the key. */
  writeAudit(month: string, entries: AuditEntry[]): Promise<string>;
}

/**
 * The month's copy for analysts (`ledger/month=…/` Parquet, `ledger-arrow/month=…/` Arrow), made
 * by the export stage (functions/export/) from the rows of exactly `pointers`: the uploads a run
 * computed on (the current ones for a draft, the pinned ones for a version). Compute requests it
 * and does not wait: the bulletin does not need the copy. In AWS an asynchronous invoke.
 */
export interface CuratedExports {
  request(req: ExportRequest): Promise<void>;
}

export interface ExportRequest {
  month: string;
  pointers: Pointer[];
}

/** The bulletin mails' send log: who has had which edition of a month. */
export interface SendLog {
  getSendLog(month: string, edition: string, recipient: string): Promise<SendLogEntry | null>;
  /** Claims one mail before it is sent (a conditional write: at most one run wins). */
  claimSend(claim: SendClaim): Promise<ClaimResult>;
  putSendLog(entry: SendLogEntry): Promise<void>;
}

/** HTML → PDF (headless Chromium). */
export interface PdfRenderer {
  render(html: string, opts?: { footer?: string }): Promise<Buffer>;
}

/** The bulletin's and the mail's HTML from the view model (Handlebars templates, fonts embedded). */
export interface BulletinTemplates {
  bulletinHtml(model: BulletinModel): Promise<string>;
  emailHtml(model: BulletinModel, opts: { link: LinkInfo | null }): Promise<string>;
}

/** The HTML of the mails that carry no bulletin: 催报 and receipts (templates/reminder.hbs, receipt-mail.hbs). */
export interface NoticeTemplates {
  reminderHtml(model: ReminderModel): Promise<string>;
  receiptMailHtml(model: ReceiptMailModel): Promise<string>;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** One mail before it is encoded. */
export interface MimeInput {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
}

/** An encoded mail on its way. */
export interface OutgoingMessage {
  from: string;
  to: string[];
  /** The RFC 5322 bytes: every transport sends exactly these. */
  raw: Buffer;
  /** A short identifier for logs and file names, e.g. `2026-10-province-a_example.gov.cn`. */
  name: string;
}

export interface Mailer {
  send(msg: OutgoingMessage): Promise<{ messageId: string }>;
}

/** SigV4 query signing allows at most 7 days: no download link may promise more. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignedLink {
  url: string;
  expiresAt: Date;
  /** The validity actually granted (seconds). */
  expiresIn: number;
}

/** A time-limited download link to a stored object. */
export type Presign = (bucket: string, key: string, seconds: number, downloadName?: string) => Promise<PresignedLink>;

/** The portal's token lookup (by the token's hash). */
export interface TokenLookup {
  findByToken(token: string): Promise<TokenRecord | null>;
}

export interface SignedPost {
  /** Where the browser sends the form (S3 in AWS; the local gateway in `tb serve`). */
  url: string;
  /** Form fields to send before the file, in this order. */
  fields: Record<string, string>;
}

export interface StoredUpload {
  key: string;
  size: number;
  lastModified: string | null;
}

/** The raw bucket as the portal sees it. */
export interface UploadBucket {
  /**
   * A POST policy that admits one object: this key exactly, 1…maxBytes bytes, until expiry, with
   * exactly this user metadata (names without `x-amz-meta-`; ASCII values).
   */
  signPost(key: string, maxBytes: number, expiresSeconds: number, metadata?: Record<string, string>): Promise<SignedPost>;
  /** The origin browsers POST to (for the page's Content-Security-Policy); null when same-origin. */
  uploadOrigin(): Promise<string | null>;
  /** Objects under `prefix` (one unit's month folder), newest first. */
  list(prefix: string): Promise<StoredUpload[]>;
}

export interface WebAsset {
  body: Buffer;
  contentType: string;
}

/** The portal page's static files: URL path → asset. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

/** The append-only audit trail (core/audit/audit-entry.ts). */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** A month's trail (or the global one: tokens, config, when `month` is null), oldest first. */
  listAudit(month: string | null): Promise<AuditEntry[]>;
}

/** A month's state (core/month/month-state.ts). */
export interface MonthStateStore {
  getMonthState(month: string): Promise<MonthState>;
  /**
   * Writes `next` if the stored state is still at `expectedRev` (a conditional write): true when
   * this call moved the month, false when another did first.
   */
  putMonthState(next: MonthState, expectedRev: number): Promise<boolean>;
  /** Pins the uploads version `version` is computed on (idempotent). */
  pinPointers(month: string, version: number, pointers: Pointer[]): Promise<void>;
  pinnedPointers(month: string, version: number): Promise<Pointer[]>;
}

/** City review decisions (core/review/review.ts). */
export interface ReviewStore {
  putReview(review: ReviewRecord): Promise<void>;
  /** The month's decisions; of one unit when `unitCode` is given. */
  listReviews(month: string, unitCode?: string): Promise<ReviewRecord[]>;
}

/** What a lock/publish/republish request came to. */
export interface MonthActionResult {
  /** Whether this request moved the month (false: refused, or another request did it first). */
  done: boolean;
  /** For people (Chinese): what happened, or why not. */
  message: string;
  state: MonthState;
  /**
   * Handed on and still running (AWS: compute invoked asynchronously): `done` is then false and
   * the state is the one before; the panel shows the outcome when it is read again.
   */
  accepted?: boolean;
}

/**
 * The month's actions as the portal's province view presses them (and `tb lock|publish|republish`):
 * in AWS a publish is handed to the compute function (asynchronously: the answer says it started);
 * locally it runs in the process.
 */
export interface MonthActions {
  request(month: string, action: MonthAction, actor: Actor): Promise<MonthActionResult>;
}
