import { randomUUID } from 'node:crypto';
import { logEvent } from '../adapters/log';
import type { AuditEntry } from '../core/audit/audit-entry';
import { configAuditEntry, lastConfigRecord } from '../core/audit/config-audit';
import type { RatesDoc } from '../core/metrics/rates-types';
import { correctionNote } from '../core/month/corrections';
import {
  type Actor,
  MONTH_ACTION_LABEL,
  type MonthAction,
  type MonthState,
  pendingVersion,
  transition,
} from '../core/month/month-state';
import type { AuditLog, MonthActionResult, MonthStateStore, ReviewStore } from '../core/ports';
import { division } from '../core/shared/divisions';
import { objectKeys } from '../core/shared/storage-keys';
import { type PublishRefusal, publishRefusal } from '../core/bulletin/publishable';
import { type MonthRatesDeps, computeMonthRates, storeMonthRates } from './month-rates';

export interface LifecycleDeps extends MonthRatesDeps {
  months: MonthStateStore & AuditLog & ReviewStore;
}

/** A lock/publish/republish request's answer; a publish that made (or completed) version N says so. */
export interface LifecycleResult extends MonthActionResult {
  /** The version whose rates.json this request wrote: the report stage renders and mails it. */
  version: number | null;
  ratesKey: string | null;
  /** A publish refused because no reporting unit has an accepted upload (without force). */
  refused?: PublishRefusal;
}

/**
 * The month's transitions (core/month/month-state.ts) as the compute stage runs them:
 *
 * - lock: pins the units' current uploads as those version 1 is computed on, then moves the state.
 * - publish: (locks first when open) claims version 1 with a conditional write, computes it on the
 *   pinned uploads, writes `reports/{M}/v1/rates.json`; the report stage renders and mails it.
 * - republish: pins the current uploads (the corrections included) as version N+1, claims it,
 *   computes it with the 更正说明 against version N.
 *
 * Pins are written before the state moves, so a moved state always has its pins (two racing
 * requests pin the same current pointers; one of them moves the state). A claimed version whose
 * rates.json is not written yet is completed by the run that claimed it (a Lambda retry carries
 * the same request id) or, after STALE_PUBLISH_MS, by any request: never by two live runs.
 */
export function createLifecycle(given: LifecycleDeps) {
  // Every version counts the city's reviews of the uploads it is computed on.
  const deps: LifecycleDeps = { ...given, reviews: given.reviews ?? given.months };
  const audit = (e: Omit<AuditEntry, 'at'>) => deps.months.append({ ...e, at: deps.now().toISOString() });

  async function refusedOrLost(month: string, message: string): Promise<LifecycleResult> {
    return { done: false, message, state: await deps.months.getMonthState(month), version: null, ratesKey: null };
  }

  /** Units whose current upload the city has not approved (config review.requiredBeforeLock). */
  async function unreviewed(month: string): Promise<string[]> {
    const [pointers, reviews] = await Promise.all([deps.repo.getPointers(month), deps.months.listReviews(month)]);
    const approved = new Set(reviews.filter((r) => r.decision === 'approved').map((r) => `${r.unitCode}/${r.uploadId}`));
    return pointers.filter((p) => !approved.has(`${p.unitCode}/${p.uploadId}`)).map((p) => p.unitCode).sort();
  }

  /** Why the month may not be locked yet (config review.requiredBeforeLock), or null. Publishing an open month locks it: the same rule. */
  async function reviewRefusal(month: string): Promise<string | null> {
    if (!deps.config.review.requiredBeforeLock) return null;
    const pending = await unreviewed(month);
    if (!pending.length) return null;
    const names = pending.slice(0, 10).map((c) => `${division(c)?.name ?? c}（${c}）`).join('、');
    return `还有 ${pending.length} 个单位的上传未经所在市审核通过，不能锁定：${names}${pending.length > 10 ? ' 等' : ''}`;
  }

  async function lock(state: MonthState, actor: Actor): Promise<LifecycleResult> {
    const t = transition(state, 'lock', actor, deps.now());
    if (!t.ok) return refusedOrLost(state.month, t.message);
    const notReviewed = await reviewRefusal(state.month);
    if (notReviewed) return refusedOrLost(state.month, notReviewed);
    const pointers = await deps.repo.getPointers(state.month);
    await deps.months.pinPointers(state.month, 1, pointers);
    if (!(await deps.months.putMonthState(t.next, state.rev))) return refusedOrLost(state.month, `${state.month} 已被另一次请求改变状态，请刷新后再试`);
    await audit({ month: state.month, actor, action: 'lock', detail: `锁定：${pointers.length} 个单位的上传计入第 1 版；此后的上传作为更正` });
    logEvent('month locked', { month: state.month, units: pointers.length, actor: actor.id });
    return { done: true, message: `${state.month} 已锁定：${pointers.length} 个单位的上传计入第 1 版`, state: t.next, version: null, ratesKey: null };
  }

  /** Computes and stores the claimed `version` (idempotent: a retry rewrites the same numbers). */
  async function complete(state: MonthState, actor: Actor, action: 'publish' | 'republish'): Promise<LifecycleResult> {
    const { month, version } = state;
    const pointers = await deps.months.pinnedPointers(month, version);
    const computed = await computeMonthRates(deps, month, pointers);
    const doc: RatesDoc = { ...computed.doc, version };
    if (version > 1) {
      const previous = await deps.store.getJson<RatesDoc>(deps.reportsBucket, objectKeys.ratesVersion(month, version - 1));
      doc.correction = correctionNote(previous, doc, previous.computedAt ?? null);
    }
    const { key, checksum } = await storeMonthRates(deps, { ...computed, doc });
    // Mark the version complete on the state as it now is (a lock-free read-modify-write on rev).
    for (;;) {
      const now = await deps.months.getMonthState(month);
      if (now.completedVersion >= version) break;
      if (await deps.months.putMonthState({ ...now, completedVersion: version, rev: now.rev + 1 }, now.rev)) break;
    }
    const changed = doc.correction ? `；更正说明列 ${doc.correction.changes.length} 个单位` : '';
    await audit({ month, actor, action, version, checksum, detail: `第 ${version} 版：${pointers.length} 个单位的上传${changed}` });
    await auditConfig(actor);
    await exportAudit(month);
    logEvent('month published', { month, version, key, units: pointers.length, actor: actor.id });
    return { done: true, message: `${month} 已${MONTH_ACTION_LABEL[action]}第 ${version} 版（${pointers.length} 个单位）${changed}`, state: await deps.months.getMonthState(month), version, ratesKey: key };
  }

  /**
   * The month's trail, up to this version, exported with its curated data for the record and for
   * analysts. A failed export is logged, never a failed publish (the trail itself is in the table).
   */
  async function exportAudit(month: string): Promise<void> {
    if (!deps.curated) return;
    try {
      const key = await deps.curated.writeAudit(month, await deps.months.listAudit(month));
      logEvent('audit exported', { month, key });
    } catch (e) {
      logEvent('audit export failed', { month, error: e as Error }, 'error');
    }
  }

  /** A `config` record in the global trail when the configuration a publish ran with is not the last recorded (a deploy records it first in AWS). */
  async function auditConfig(actor: Actor): Promise<void> {
    const lastRecorded = lastConfigRecord(await deps.months.listAudit(null))?.checksum ?? null;
    const entry = configAuditEntry({ config: deps.config as unknown as Record<string, unknown>, lastRecorded, actor, at: deps.now(), source: 'publish' });
    if (entry) await deps.months.append(entry);
  }

  async function publish(state: MonthState, action: 'publish' | 'republish', actor: Actor, runId: string, force: boolean): Promise<LifecycleResult> {
    const pending = pendingVersion(state, runId, deps.now());
    if (pending === 'other') {
      return refusedOrLost(state.month, `${state.month} 第 ${state.version} 版正在由另一次请求${MONTH_ACTION_LABEL[action]}（开始于 ${state.updatedAt}），请稍后查看`);
    }
    if (pending === 'mine') return complete(state, actor, action);
    if (pending === 'stale') {
      // Take the dead run's claim over first: of two requests that find it stale, one completes it.
      const claimed = { ...state, rev: state.rev + 1, runId, updatedAt: deps.now().toISOString() };
      if (!(await deps.months.putMonthState(claimed, state.rev))) return refusedOrLost(state.month, `${state.month} 已被另一次请求接手，请稍后查看`);
      return complete(claimed, actor, action);
    }
    const t = transition(state, action, actor, deps.now(), runId);
    if (!t.ok) return refusedOrLost(state.month, t.message);
    if (state.status === 'open') {
      const notReviewed = await reviewRefusal(state.month);
      if (notReviewed) return refusedOrLost(state.month, notReviewed);
    }
    const current = await deps.repo.getPointers(state.month);
    const base = action === 'publish' && state.status === 'locked' ? await deps.months.pinnedPointers(state.month, 1) : current;
    if (!base.length && !force) {
      // A version saying every unit is 未报送 is not issued (core/bulletin/publishable.ts); the month stays as it is.
      const refused = publishRefusal((await computeMonthRates(deps, state.month, [])).doc);
      if (refused) return { ...(await refusedOrLost(state.month, refused.message)), refused };
    }
    if (action === 'republish') {
      const pinned = new Map((await deps.months.pinnedPointers(state.month, state.version)).map((p) => [p.unitCode, p.uploadId]));
      const same = current.length === pinned.size && current.every((p) => pinned.get(p.unitCode) === p.uploadId);
      if (same) return refusedOrLost(state.month, `${state.month} 第 ${state.version} 版之后没有被接收的更正上传，无需更正发布`);
    }
    // Version 1 of a month locked earlier is computed on the lock's pins; otherwise on the current uploads.
    if (!(action === 'publish' && state.status === 'locked')) {
      await deps.months.pinPointers(state.month, t.next.version, current);
    }
    if (!(await deps.months.putMonthState(t.next, state.rev))) {
      return refusedOrLost(state.month, `${state.month} 已由另一次请求${MONTH_ACTION_LABEL[action]}，本次未重复执行`);
    }
    if (state.status === 'open') await audit({ month: state.month, actor, action: 'lock', detail: '发布时锁定' });
    return complete(t.next, actor, action);
  }

  return {
    async request(month: string, action: MonthAction, actor: Actor, runId: string = randomUUID(), opts: { force?: boolean } = {}): Promise<LifecycleResult> {
      const state = await deps.months.getMonthState(month);
      return action === 'lock' ? lock(state, actor) : publish(state, action, actor, runId, opts.force === true);
    },
  };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
