import { logEvent, logger } from './log';
import { flushMetrics } from './metrics';

/**
 * What every Lambda handler does around its use case: the Lambda context and a correlation id on
 * every log line (the event's own `correlationId` when an earlier stage passed one, as compute
 * does to report; else this invocation's request id), an ERROR line with the error's fields when
 * it fails, and the invocation's metrics flushed (EMF) whatever happens.
 */
/** The Lambda context, as far as the logger reads it. */
type Context = Parameters<typeof logger.addContext>[0];

let current: string | undefined;

export function lambdaHandler<E, R>(fn: (event: E) => Promise<R>) {
  return async (event: E, context?: Context): Promise<R> => {
    if (context) logger.addContext(context);
    const passed = (event as { correlationId?: unknown } | null)?.correlationId;
    current = typeof passed === 'string' ? passed : context?.awsRequestId;
    logger.setCorrelationId(current);
    try {
      return await fn(event);
    } catch (err) {
      logEvent('invocation failed', { error: err as Error }, 'error');
      throw err;
    } finally {
      flushMetrics();
      logger.resetKeys();
    }
  };
}

/** The correlation id of this invocation, to hand to the next stage. */
export function correlationId(): string | undefined {
  return current;
}
