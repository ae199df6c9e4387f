import { isMonth } from '../../functions/core/shared/months';

/** The saved queries' parameters, each an option of its own, checked before DuckDB is loaded. */
export const PARAM_OPTIONS: Record<string, { flag: string; check: (v: string) => string | null }> = {
  month: { flag: '--month', check: (v) => (isMonth(v) ? null : `月份格式应为 YYYY-MM（如 2026-10）：${v}`) },
  unit: { flag: '--unit', check: (v) => (/^\d{6}$/.test(v) ? null : `--unit 应为 6 位报送单位代码（如 411102）：${v}`) },
  months: { flag: '--months', check: (v) => (/^\d{1,3}$/.test(v) ? null : `--months 应为 0–999 的整数（签约超过多少个月）：${v}`) },
};
