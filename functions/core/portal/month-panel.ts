import { MONTH_ACTION_LABEL, MONTH_STATUS_LABEL, type MonthAction, type MonthState, type MonthStatus } from '../month/month-state';
import type { ReviewRecord } from '../review/review';
import type { PointerLike, ReportingStatus } from './reporting-status';

/**
 * The province's control panel of a month (GET /month), pure: the month's state, its deadline
 * (the page counts down from `now`), which of lock / publish / republish the state allows, and per
 * city who reported, on time or late, who is missing, and the city's reviews of the current
 * uploads. A unit whose current upload its city returned counts as returned, not reported — as
 * compute counts it (报送未通过); a unit is approved when its current upload is.
 *
 *   units = reported + returned + missing;  reported = onTime + late
 */
export interface PanelCounts {
  units: number;
  reported: number;
  onTime: number;
  late: number;
  missing: number;
  returned: number;
  approved: number;
}

export interface PanelCity extends PanelCounts {
  code: string;
  name: string;
}

export interface PanelAction {
  action: MonthAction;
  label: string;
  enabled: boolean;
  /** Why not, when not enabled (Chinese). */
  why: string | null;
}

export interface MonthPanel {
  month: string;
  state: {
    status: MonthStatus;
    label: string;
    version: number;
    lockedAt: string | null;
    publishedAt: string | null;
    updatedAt: string | null;
    updatedBy: string | null;
  };
  deadline: string;
  now: string;
  requiredBeforeLock: boolean;
  actions: PanelAction[];
  totals: PanelCounts;
  byCity: PanelCity[];
}

const ALLOWED: Record<MonthAction, readonly MonthStatus[]> = {
  lock: ['open'],
  publish: ['open', 'locked'],
  republish: ['published', 'republished'],
};

const WHY_NOT: Record<MonthAction, string> = {
  lock: '本月已锁定',
  publish: '本月已发布；锁定后的更正请用“更正发布”',
  republish: '本月尚未发布',
};

export function monthPanel(input: {
  state: MonthState;
  status: ReportingStatus;
  pointers: readonly PointerLike[];
  reviews: readonly ReviewRecord[];
  requiredBeforeLock: boolean;
  now: Date;
}): MonthPanel {
  const { state, status } = input;
  const current = new Map(input.pointers.map((p) => [p.unitCode, p.uploadId]));
  const decision = new Map<string, ReviewRecord['decision']>();
  for (const r of input.reviews) if (current.get(r.unitCode) === r.uploadId) decision.set(r.unitCode, r.decision);

  const empty = (): PanelCounts => ({ units: 0, reported: 0, onTime: 0, late: 0, missing: 0, returned: 0, approved: 0 });
  const totals = empty();
  const cities = new Map<string, PanelCity>(status.cities.map((c) => [c.code, { code: c.code, name: c.name, ...empty() }]));
  for (const u of status.units) {
    const d = decision.get(u.code);
    for (const c of [totals, cities.get(u.cityCode)]) {
      if (!c) continue;
      c.units++;
      if (u.state !== 'accepted') c.missing++;
      else if (d === 'returned') c.returned++;
      else {
        c.reported++;
        if (u.timeliness === 'on-time') c.onTime++;
        else if (u.timeliness === 'late') c.late++;
        if (d === 'approved') c.approved++;
      }
    }
  }
  const actions = (Object.keys(ALLOWED) as MonthAction[]).map((action): PanelAction => {
    const enabled = ALLOWED[action].includes(state.status);
    return { action, label: MONTH_ACTION_LABEL[action], enabled, why: enabled ? null : WHY_NOT[action] };
  });
  return {
    month: state.month,
    state: {
      status: state.status,
      label: MONTH_STATUS_LABEL[state.status],
      version: state.version,
      lockedAt: state.lockedAt,
      publishedAt: state.publishedAt,
      updatedAt: state.updatedAt,
      updatedBy: state.updatedBy ? `${state.updatedBy.kind}:${state.updatedBy.id}` : null,
    },
    deadline: status.deadline,
    now: input.now.toISOString(),
    requiredBeforeLock: input.requiredBeforeLock,
    actions,
    totals,
    byCity: [...cities.values()].filter((c) => c.units > 0),
  };
}

/** The requested action of POST /month, or null when it is none of the three. */
export function monthActionOf(v: unknown): MonthAction | null {
  return v === 'lock' || v === 'publish' || v === 'republish' ? v : null;
}
