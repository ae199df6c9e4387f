import { logEvent } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import { type DeliveryCheckEvent, type DeliveryVerdict, deliveryCheckMonth, deliveryVerdict, expectedMails } from '../core/delivery/delivery-check';
import type { ObjectStore, SendLog } from '../core/ports';
import type { Config } from '../core/shared/config';
import { mapLimit } from '../core/shared/concurrency';
import { METRIC } from '../core/shared/metric-names';
import { objectKeys } from '../core/shared/storage-keys';

export interface CheckDeps {
  store: ObjectStore;
  sendLog: SendLog;
  config: Config;
  reportsBucket: string;
  now: () => Date;
}

/**
 * The delivery check (docs/architecture.md, "The delivery check"): renders and mails nothing;
 * reads whether the reporting month's province PDF exists and each expected mail is `sent`, logs
 * the verdict (ERROR when not delivered) and emits ReportMissing 1 or 0 for its alarm. A month not
 * delivered is an answer, not a failure: only a check that cannot be made throws.
 */
export function createDeliveryCheck(deps: CheckDeps) {
  return async (event: DeliveryCheckEvent): Promise<DeliveryVerdict> => {
    const month = deliveryCheckMonth(event, deps.now());
    const expected = expectedMails(deps.config);
    const [rendered, entries] = await Promise.all([
      deps.store.exists(deps.reportsBucket, objectKeys.bulletin(month).pdf),
      mapLimit(expected, 8, (m) => deps.sendLog.getSendLog(month, m.edition, m.recipient)),
    ]);
    const verdict = deliveryVerdict(month, rendered, expected.map((m, i) => ({ ...m, entry: entries[i] })));
    recordMetric(METRIC.ReportMissing, verdict.delivered ? 0 : 1, { month });
    if (verdict.delivered) logEvent('report delivered', { month, mails: expected.length });
    else logEvent('report not delivered', { month, rendered, missing: verdict.missing.map((m) => `${m.edition}/${m.recipient}:${m.status}`) }, 'error');
    return verdict;
  };
}
