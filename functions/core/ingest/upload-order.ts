import { createHash } from 'node:crypto';
import type { S3ObjectEvent } from './s3-event';

/**
 * Which upload of a unit and month is current. S3 delivers events at least once and in any
 * order; the pipeline makes re-uploads safe without transactions: write the snapshot, flip the
 * CURRENT pointer conditionally (a newer event wins), then delete the superseded snapshot. Every
 * step is idempotent, so a retried event heals a half-done one.
 */
export interface Pointer {
  unitCode: string;
  uploadId: string;
  /** `{eventTime}#{sequencer}`: later uploads compare greater. */
  order: string;
  key: string;
  projects: number;
  updatedAt: string;
}

export type FlipOutcome =
  | { outcome: 'current'; previous: Pointer | null }
  | { outcome: 'replay' }
  | { outcome: 'superseded'; current: Pointer };

/** Orders S3 events: event time first, then the sequencer (hex, compared at equal length). */
export function eventOrder(eventTime: string, sequencer: string | null): string {
  return `${new Date(eventTime).toISOString()}#${(sequencer ?? '').padStart(32, '0')}`;
}

/** Same S3 object version ⇒ same id, so a redelivered event is recognised as a replay. */
export function uploadIdOf(e: S3ObjectEvent): string {
  const identity = [e.bucket, e.key, e.versionId ?? e.sequencer ?? e.eTag ?? e.eventTime].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
