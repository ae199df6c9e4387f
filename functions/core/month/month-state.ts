/**
 * A month's life (issue 12, docs/architecture.md "The month's life"):
 *
 *   open ──lock──▶ locked ──publish──▶ published ──republish──▶ republished ──republish──▶ …
 *      └──────────publish (locks first)───▶
 *
 * - open: uploads change the numbers; drafts may be computed and rendered at will.
 * - locked: the set of uploads the first version is computed on is pinned; a later accepted
 *   upload is stored and receipted as a **correction** and changes nothing published.
 * - published: version 1's rates.json and PDFs are kept under `reports/{M}/v1/` and mailed.
 * - republished: version N ≥ 2, computed on the current uploads (the corrections included),
 *   with a 更正说明 against version N−1.
 *
 * Pure: the store applies a transition with a conditional write on `rev`, so of two operators
 * pressing at once exactly one moves the month (the other is told what happened).
 */
export type MonthStatus = 'open' | 'locked' | 'published' | 'republished';

export type MonthAction = 'lock' | 'publish' | 'republish';

/** Who did something: a portal token (its id, never the secret), an operator at the CLI, a schedule. */
export interface Actor {
  kind: 'token' | 'operator' | 'schedule' | 'pipeline';
  /** Token id, the operator's name (`$USER`), the schedule's name, or the stage. */
  id: string;
}

export interface MonthState {
  month: string;
  status: MonthStatus;
  /** The last published version (0 before the first publish). */
  version: number;
  /** Bumped by every transition: the condition of the next one. 0 = no item yet (open). */
  rev: number;
  lockedAt: string | null;
  publishedAt: string | null;
  updatedAt: string | null;
  updatedBy: Actor | null;
  /**
   * The last version whose rates.json is written (== version once a publish is complete). A
   * version above it is being made, or its run died: `runId` says whose it is.
   */
  completedVersion: number;
  /** The run that claimed the current version (a Lambda request id: the same across async retries). */
  runId: string | null;
}

export function openState(month: string): MonthState {
  return { month, status: 'open', version: 0, rev: 0, lockedAt: null, publishedAt: null, updatedAt: null, updatedBy: null, completedVersion: 0, runId: null };
}

export const MONTH_STATUS_LABEL: Record<MonthStatus, string> = {
  open: '报送中',
  locked: '已锁定',
  published: '已发布',
  republished: '已更正发布',
};

export const MONTH_ACTION_LABEL: Record<MonthAction, string> = {
  lock: '锁定',
  publish: '发布',
  republish: '更正发布',
};

export type Transition =
  | { ok: true; next: MonthState }
  | { ok: false; code: 'already-locked' | 'not-published' | 'already-published'; message: string };

/** The state after `action` by `actor` at `now`, or why the month cannot take it. */
export function transition(current: MonthState, action: MonthAction, actor: Actor, now: Date, runId: string | null = null): Transition {
  const at = now.toISOString();
  const base = { ...current, rev: current.rev + 1, updatedAt: at, updatedBy: actor, runId };
  const m = current.month;
  switch (action) {
    case 'lock':
      if (current.status !== 'open') return { ok: false, code: 'already-locked', message: `${m} 已${MONTH_STATUS_LABEL[current.status]}，无需再锁定` };
      return { ok: true, next: { ...base, status: 'locked', lockedAt: at } };
    case 'publish':
      if (current.status === 'published' || current.status === 'republished') {
        return { ok: false, code: 'already-published', message: `${m} 已发布第 ${current.version} 版；锁定后的更正请用“更正发布”（tb republish）` };
      }
      return { ok: true, next: { ...base, status: 'published', version: 1, lockedAt: current.lockedAt ?? at, publishedAt: at } };
    case 'republish':
      if (current.status !== 'published' && current.status !== 'republished') {
        return { ok: false, code: 'not-published', message: `${m} 尚未发布，不能更正发布；请先发布（tb publish）` };
      }
      return { ok: true, next: { ...base, status: 'republished', version: current.version + 1, publishedAt: at } };
  }
}

/** Whether an upload accepted now is a correction (the month's first version is pinned). */
export function isCorrectionPeriod(state: MonthState): boolean {
  return state.status !== 'open';
}

/**
 * A claim on a version older than this is of a run that died (longer than compute and report may
 * run together, 15 minutes each at most): another request may complete that version.
 */
export const STALE_PUBLISH_MS = 35 * 60_000;

/**
 * Whether the current version is claimed but not complete, and who may complete it: the run that
 * claimed it (a Lambda retry has the same request id), or anyone once the claim is stale.
 */
export function pendingVersion(state: MonthState, runId: string | null, now: Date): 'none' | 'mine' | 'stale' | 'other' {
  if (state.version <= state.completedVersion) return 'none';
  if (runId && state.runId === runId) return 'mine';
  const since = state.updatedAt ? Date.parse(state.updatedAt) : 0;
  return now.getTime() - since > STALE_PUBLISH_MS ? 'stale' : 'other';
}
