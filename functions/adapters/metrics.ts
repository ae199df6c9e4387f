import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, METRIC_SERVICE, METRIC_UNIT, type MetricName, SERVICE, type Service } from '../core/shared/metric-names';
import { logSink } from './log';

/**
 * CloudWatch metrics as EMF lines (Powertools Metrics): CloudWatch turns each printed line into
 * data points, no API call and no extra latency. Each metric goes out under the namespace, unit
 * and `service` dimension the dashboard and alarms read (core/shared/metric-names.ts): one
 * Metrics per service, so the dimension is right whichever process emits it (the local runtime
 * runs every stage in one). The month goes along as metadata. Locally the EMF lines go to the log
 * sink (pipeline.log), where the tests read them.
 */
const byService = Object.fromEntries(
  Object.values(SERVICE).map((s) => [s, new Metrics({ namespace: METRIC_NAMESPACE, serviceName: s })]),
) as Record<Service, Metrics>;

const UNIT = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds } as const;

export function recordMetric(name: MetricName, value: number, meta: Record<string, string> = {}): void {
  const metrics = byService[METRIC_SERVICE[name]];
  metrics.addMetric(name, UNIT[METRIC_UNIT[name]], value);
  for (const [k, v] of Object.entries(meta)) metrics.addMetadata(k, v);
}

/** Writes what was recorded since the last flush (one EMF line per service), if anything: at the end of every invocation. */
export function flushMetrics(): void {
  const sink = logSink();
  for (const metrics of Object.values(byService)) {
    if (!metrics.hasStoredMetrics()) continue;
    if (!sink) metrics.publishStoredMetrics();
    else {
      sink(JSON.stringify(metrics.serializeMetrics()));
      metrics.clearMetrics();
    }
  }
}
