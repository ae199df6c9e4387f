import { logEvent } from '../adapters/log';
import type { RateMap } from '../core/metrics/rates-types';
import type { PublishRefusal } from '../core/bulletin/publishable';
import { type Actor, MONTH_STATUS_LABEL, type MonthAction } from '../core/month/month-state';
import { isMonth, reportingMonth } from '../core/shared/months';
import { type LifecycleDeps, createLifecycle } from './month-lifecycle';
import { type ComputedMonth, type MonthRatesDeps, computeMonthRates, storeMonthRates } from './month-rates';

export interface ComputeDeps extends MonthRatesDeps {
  /** The month's state, pins, reviews and audit; without it every month is open (drafts only). */
  months?: LifecycleDeps['months'];
}

/**
 * The scheduler's payload or an operator's request: no month means "the month before now"
 * (Asia/Shanghai). Without `action` a draft of an open month is computed; with one, the month
 * is locked, published (version 1) or republished (version N+1) (month-lifecycle.ts).
 */
export interface ComputeEvent {
  month?: string;
  action?: MonthAction;
  /** Who asked (the portal's token, an operator, the schedule). Default: the schedule. */
  actor?: Actor;
  /** Passed through to the report stage (re-runs). */
  send?: boolean;
  force?: boolean;
}

/** What compute returns; the report stage receives it (Lambda destination, responseOnly). */
export interface ComputeResult {
  month: string;
  ratesKey: string | null;
  reportedUnits: number;
  unreportedUnits: number;
  province: RateMap<number | null> | null;
  /** The published version computed now: the report renders and mails exactly it. */
  version?: number;
  /** Nothing for the report to do (a lock, or a request refused or already done by another). */
  skipReport?: boolean;
  /** What happened, for people (the lifecycle's message). */
  message?: string;
  /** With an action: whether this request moved the month (false: refused, or another did first). */
  done?: boolean;
  /** A publish of a month no reporting unit has an accepted upload for (refused without force). */
  refused?: PublishRefusal;
  send?: boolean;
  force?: boolean;
}

/** A draft requested of a month that is no longer open: its numbers are a published version's now. */
export class MonthLockedError extends Error {
  override name = 'MonthLocked';
}

export const SCHEDULE_ACTOR: Actor = { kind: 'schedule', id: 'monthly-run' };

/** The month's rates: a draft of an open month, or a step of its life (lock, publish, republish). */
export function createCompute(given: ComputeDeps) {
  // Drafts and versions alike count the city's reviews (the month store holds them).
  const deps: ComputeDeps = { ...given, reviews: given.reviews ?? given.months };
  const lifecycle = deps.months ? createLifecycle({ ...deps, months: deps.months }) : null;
  const passOn = (event: ComputeEvent) => ({
    ...(event.send === undefined ? {} : { send: event.send }),
    ...(event.force === undefined ? {} : { force: event.force }),
  });

  return async (event: ComputeEvent = {}, runId?: string): Promise<ComputeResult> => {
    const month = event.month ?? reportingMonth(deps.now());
    if (!isMonth(month)) throw new Error(`Invalid month "${month}" (expected YYYY-MM)`);
    if (event.action) {
      if (!lifecycle) throw new Error('this compute has no month store: lock/publish/republish need one');
      const r = await lifecycle.request(month, event.action, event.actor ?? SCHEDULE_ACTOR, runId, { force: event.force === true });
      logEvent('month action', { month, action: event.action, done: r.done, version: r.version, outcome: r.message }, r.done ? 'info' : 'warn');
      if (r.version === null) return { month, ratesKey: null, reportedUnits: 0, unreportedUnits: 0, province: null, skipReport: true, message: r.message, done: r.done, ...(r.refused ? { refused: r.refused } : {}) };
      const doc = await deps.store.getJson<ComputedMonth['doc']>(deps.reportsBucket, r.ratesKey!);
      return { ...summary(doc), ratesKey: r.ratesKey, version: r.version, message: r.message, done: r.done, ...passOn(event) };
    }
    if (deps.months) {
      const state = await deps.months.getMonthState(month);
      if (state.status !== 'open') {
        throw new MonthLockedError(`${month} ${MONTH_STATUS_LABEL[state.status]}（第 ${state.version} 版）：不再计算草稿；锁定后的更正请用 tb republish`);
      }
    }
    const computed = await computeMonthRates(deps, month);
    const { key } = await storeMonthRates(deps, computed);
    logEvent('computed', { month, key, units: computed.doc.units.length, unreported: computed.doc.unreported.length });
    return { ...summary(computed.doc), ratesKey: key, ...passOn(event) };
  };
}

function summary(doc: ComputedMonth['doc']) {
  const province = doc.units.find((u) => u.level === 'province')!;
  const counties = doc.units.filter((u) => u.level === 'county');
  return { month: doc.month, reportedUnits: counties.filter((u) => u.reported).length, unreportedUnits: doc.unreported.length, province: province.rates };
}
