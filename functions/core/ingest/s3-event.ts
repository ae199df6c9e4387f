/**
 * Decodes what the ingest Lambda receives into the uploads to process: SQS messages carrying
 * S3 notifications (the AWS path), or S3 notifications directly (the local runtime may use
 * either). Keys arrive URL-encoded with '+' for spaces, as S3 sends them.
 */
export interface S3ObjectEvent {
  /** SQS message id, for partial batch failures; null when not from SQS. */
  messageId: string | null;
  bucket: string;
  key: string;
  size: number;
  eTag: string | null;
  versionId: string | null;
  sequencer: string | null;
  eventTime: string;
}

interface S3Record {
  eventSource?: string;
  eventName?: string;
  eventTime?: string;
  s3?: {
    bucket?: { name?: string };
    object?: { key?: string; size?: number; eTag?: string; versionId?: string; sequencer?: string | number };
  };
}

export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

function fromS3Records(records: S3Record[], messageId: string | null): S3ObjectEvent[] {
  return records
    .filter((r) => r.eventSource === 'aws:s3' && r.eventName?.startsWith('ObjectCreated') && r.s3?.object?.key)
    .map((r) => ({
      messageId,
      bucket: r.s3!.bucket!.name!,
      key: decodeS3Key(r.s3!.object!.key!),
      size: r.s3!.object!.size ?? 0,
      eTag: r.s3!.object!.eTag ?? null,
      versionId: r.s3!.object!.versionId ?? null,
      sequencer: r.s3!.object!.sequencer === undefined ? null : String(r.s3!.object!.sequencer),
      eventTime: r.eventTime ?? new Date(0).toISOString(),
    }));
}

/** Groups the uploads by SQS message so one bad message does not fail the others. */
export function decodeIngestEvent(event: unknown): { messageId: string | null; uploads: S3ObjectEvent[] }[] {
  const records = (event as { Records?: unknown[] })?.Records ?? [];
  return records.map((rec) => {
    const r = rec as { eventSource?: string; messageId?: string; body?: string };
    if (r.eventSource === 'aws:sqs' && typeof r.body === 'string') {
      let body: { Records?: S3Record[] } = {};
      try {
        body = JSON.parse(r.body);
      } catch {
        // Not an S3 notification (e.g. a stray test message): nothing to ingest.
      }
      return { messageId: r.messageId ?? null, uploads: fromS3Records(body.Records ?? [], r.messageId ?? null) };
    }
    return { messageId: null, uploads: fromS3Records([rec as S3Record], null) };
  });
}
