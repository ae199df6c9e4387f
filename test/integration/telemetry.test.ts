import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { lambdaHandler } from '../../functions/adapters/lambda';
import { setLogSink } from '../../functions/adapters/log';
import { decodeIngestEvent } from '../../functions/core/ingest/s3-event';
import type { UploadLedger } from '../../functions/core/ports';
import { parseConfig } from '../../functions/core/shared/config';
import { METRIC_NAMESPACE } from '../../functions/core/shared/metric-names';
import { createDeliveryCheck } from '../../functions/report/check-delivered';
import { createIngest } from '../../functions/ingest/ingest-upload';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { csvUtf8, ledgerTable } from '../helpers/files';
import { startPipeline } from '../helpers/pipeline';

/**
 * What ops read in CloudWatch, read here from the same logger and metrics (Powertools), which the
 * local runtime sends to a sink instead of stdout: every line is JSON with its level, the keys of
 * the work as JSON keys, and the metrics are EMF under the names the dashboard reads.
 */
type Line = Record<string, unknown>;
let lines: Line[] = [];
let p: LocalPipeline;

beforeAll(async () => {
  p = await startPipeline();
});
beforeEach(() => {
  lines = [];
  setLogSink((l) => lines.push(JSON.parse(l)));
});
afterAll(async () => {
  setLogSink(() => {});
  await p?.close();
});

/** The EMF lines: the metric values by name, with the service dimension and metadata. */
function emf(): { service: string; values: Record<string, number | number[]>; meta: Line; line: Line }[] {
  return lines
    .filter((l) => l._aws)
    .map((l) => {
      const cw = (l._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0];
      expect(cw.Namespace).toBe(METRIC_NAMESPACE);
      expect(cw.Dimensions).toEqual([['service']]);
      const values = Object.fromEntries(cw.Metrics.map((m) => [m.Name, l[m.Name] as number]));
      return { service: l.service as string, values, meta: l, line: l };
    });
}

describe('logs and metrics of ingest', () => {
  it('an accepted and a rejected upload: INFO lines with month, unit and upload id as keys; EMF counts under service=ingest', async () => {
    await p.upload(objectKeys.upload('2026-10', '411102', 'good.csv'), csvUtf8(ledgerTable('411102', 7)));
    await p.upload(objectKeys.upload('2026-10', '411103', 'bad.csv'), csvUtf8([['会议纪要']]));
    const { receipts } = await p.drain();
    expect(receipts.map((r) => r.status).sort()).toEqual(['accepted', 'rejected']);
    const ingested = lines.filter((l) => l.message === 'ingested');
    expect(ingested).toHaveLength(2);
    const good = ingested.find((l) => l.unitCode === '411102')!;
    expect(good).toMatchObject({ level: 'INFO', month: '2026-10', unitCode: '411102', status: 'accepted', projects: 7, uploadId: receipts.find((r) => r.unitCode === '411102')!.uploadId });
    expect(typeof good.timestamp).toBe('string');
    const m = emf().filter((e) => e.service === 'ingest');
    const sum = (name: string) => m.reduce((n, e) => n + ([e.values[name] ?? 0].flat() as number[]).reduce((a, b) => a + b, 0), 0);
    expect([sum('UploadsAccepted'), sum('UploadsRejected'), sum('RowsIngested'), sum('IngestBatchItemFailures')]).toEqual([1, 1, 7, 0]);
    expect(m.every((e) => e.meta.month === '2026-10')).toBe(true);
  });

  it('a failure of the store: one ERROR line with the error and the upload as JSON keys; UploadsFailed and IngestBatchItemFailures', async () => {
    // Fault injection: the table refuses the snapshot (as DynamoDB would under an outage).
    const failing: UploadLedger = new Proxy(p.repo, {
      get: (target, prop, recv) =>
        prop === 'writeSnapshot' ? async () => Promise.reject(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' })) : Reflect.get(target, prop, recv),
    });
    const use = createIngest({ store: p.store, repo: failing, config: parseConfig({}), rawBucket: p.servers.buckets.raw, curated: null, now: () => new Date() });
    // As functions/ingest/handler.ts wires it.
    const ingest = lambdaHandler((e: unknown) => use(decodeIngestEvent(e)));
    const key = objectKeys.upload('2026-10', '411104', 'x.csv');
    // In another bucket than the one the local runtime ingests from, so only this ingest sees it.
    const bucket = p.servers.buckets.curated;
    await p.store.put(bucket, key, csvUtf8(ledgerTable('411104', 3)), 'text/csv');
    const event = {
      Records: [
        {
          eventSource: 'aws:sqs',
          messageId: 'm-1',
          body: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2026-11-02T01:00:00.000Z', s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 100, sequencer: '0A' } } }] }),
        },
      ],
    };
    expect(decodeIngestEvent(event)[0].uploads).toHaveLength(1);
    const res = await ingest(event, { awsRequestId: 'req-1', functionName: 'tb-ingest', functionVersion: '1', invokedFunctionArn: 'arn', memoryLimitInMB: '1024' } as never);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'ingest failed',
      month: '2026-10',
      unitCode: '411104',
      messageId: 'm-1',
      correlation_id: 'req-1',
      function_name: 'tb-ingest',
      error: { name: 'ProvisionedThroughputExceededException', message: 'Throughput exceeds the current capacity' },
    });
    expect(typeof (errors[0].error as Line).stack).toBe('string');
    const m = emf().find((e) => e.service === 'ingest')!;
    expect(m.values).toMatchObject({ UploadsFailed: 1, IngestBatchItemFailures: 1 });
  });
});

describe('the delivery check (the ReportMissing alarm)', () => {
  const config = parseConfig({ mail: { province: ['a@example.gov.cn'], cities: { '411100': ['luohe@example.gov.cn'] } } });
  const check = () =>
    lambdaHandler(createDeliveryCheck({ store: p.store, sendLog: p.repo, config, reportsBucket: p.servers.buckets.reports, now: () => new Date('2026-11-05T07:00:00Z') }));
  const event = { check: 'delivered' as const, scheduledTime: '2026-11-05T07:00:00Z' };

  it('a month not delivered: ERROR with what is missing, ReportMissing 1 (and nothing thrown)', async () => {
    const verdict = await check()(event);
    expect(verdict).toMatchObject({ month: '2026-10', delivered: false, rendered: false });
    expect(verdict.missing.map((m) => `${m.edition}/${m.recipient}:${m.status}`)).toEqual(['province/a@example.gov.cn:absent', '411100/luohe@example.gov.cn:absent']);
    expect(lines.find((l) => l.level === 'ERROR')).toMatchObject({ message: 'report not delivered', month: '2026-10', rendered: false });
    expect(emf().find((e) => e.service === 'report')!.values).toEqual({ ReportMissing: 1 });
  });

  it('delivered once the province PDF is there and every expected mail is sent: ReportMissing 0', async () => {
    await p.store.put(p.servers.buckets.reports, objectKeys.bulletin('2026-10').pdf, '%PDF-1.7', 'application/pdf');
    for (const [edition, recipient] of [['province', 'a@example.gov.cn'], ['411100', 'luohe@example.gov.cn']]) {
      await p.repo.putSendLog({ month: '2026-10', edition, recipient, messageId: 'm', status: 'sent', subject: 's', pdfKey: 'k', sentAt: '2026-11-05T01:00:00Z' });
    }
    const verdict = await check()(event);
    expect(verdict).toMatchObject({ delivered: true, missing: [] });
    expect(lines.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(emf().find((e) => e.service === 'report')!.values).toEqual({ ReportMissing: 0 });
  });
});
