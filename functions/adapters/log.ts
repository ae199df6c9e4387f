import { type LogItem, Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs through Powertools Logger: in Lambda each line carries its real level
 * (`"level":"ERROR"`), the Lambda context, the correlation id and the keys of the work at hand
 * (month, unit, upload id) as JSON keys, so CloudWatch's level filter, metric filters and Logs
 * Insights find them. Locally the same logger writes its lines to a sink instead (the CLI's
 * `.data/pipeline.log`), so the CLI's own progress lines stay readable.
 */
type Sink = (line: string) => void;

let sink: Sink | null = null;

/** Sends every log line (and the local metrics, adapters/metrics.ts) to `next`; null: stdout, as in Lambda. */
export function setLogSink(next: Sink | null): void {
  sink = next;
}

/** Where local lines go, or null in Lambda. */
export function logSink(): Sink | null {
  return sink;
}

class PipelineLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (!sink) return super.printLog(logLevel, log);
    log.prepareForPrint();
    sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export const logger = new PipelineLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'three-batches' });

/**
 * One log line: `msg` with `fields` as JSON keys. An Error among the fields (`error: e`) is
 * written with its name, message and stack (Powertools' error format).
 */
export function logEvent(msg: string, fields: Record<string, unknown> = {}, level: 'info' | 'warn' | 'error' = 'info'): void {
  logger[level](msg, fields);
}

/** Runs `fn` with `keys` on every log line it writes (the upload at hand, say), then removes them. */
export async function withLogKeys<T>(keys: Record<string, string | null | undefined>, fn: () => Promise<T>): Promise<T> {
  const set = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string>;
  logger.appendKeys(set);
  try {
    return await fn();
  } finally {
    logger.removeKeys(Object.keys(set));
  }
}
