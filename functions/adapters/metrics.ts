import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricName } from '../core/shared/metric-names';
import { logSink } from './log';

/**
 * CloudWatch metrics as EMF lines (Powertools Metrics): CloudWatch turns each printed line into
 * data points, no API call and no extra latency. Dimension `service` (POWERTOOLS_SERVICE_NAME);
 * the month goes along as metadata. Locally the EMF lines go to the log sink (pipeline.log), where
 * the tests read them.
 */
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'three-batches' });

export function countMetric(name: MetricName, value = 1, meta: Record<string, string> = {}): void {
  metrics.addMetric(name, MetricUnit.Count, value);
  for (const [k, v] of Object.entries(meta)) metrics.addMetadata(k, v);
}

export function secondsMetric(name: MetricName, seconds: number): void {
  metrics.addMetric(name, MetricUnit.Seconds, seconds);
}

/** Writes what was recorded since the last flush (one EMF line), if anything: at the end of every invocation. */
export function flushMetrics(): void {
  if (!metrics.hasStoredMetrics()) return;
  const sink = logSink();
  if (!sink) {
    metrics.publishStoredMetrics();
    return;
  }
  sink(JSON.stringify(metrics.serializeMetrics()));
  metrics.clearMetrics();
}
