-- stalled-projects: 某月台账上签约超过 N 个月仍未落地的“签约一批”项目
--
-- 该月台账（表 ledger）上批次为“签约”、项目状态仍为“已签约”的项目（默认口径 landed 下即
-- 未落地；已终止的项目不列），签约已满 N 个月以上：months_signed > N。签约月份取“签约日期”
-- 所在月；未填签约日期的，取该项目作为签约类项目最早出现在台账上的月份（signed_from 注明
-- 取自哪里）。months_signed = 报告月份 − 签约月份（按月计：2026-10 与 2026-03 相差 7）。
-- 按签约时长从长到短、再按单位代码、项目代码排序。
--
-- @param month 报告月份 YYYY-MM（如 2026-10）
-- @param month （同上，用于查找项目最早出现的月份）
-- @param months N：签约超过多少个月（整数，如 6）
WITH month_rows AS (
  SELECT *
  FROM ledger
  WHERE month = CAST(? AS VARCHAR)
),
first_seen AS (
  SELECT projectCode AS project_code, min(month) AS first_month
  FROM ledger
  WHERE month <= CAST(? AS VARCHAR) AND batch = '签约'
  GROUP BY projectCode
),
candidates AS (
  SELECT
    r.month,
    r.unitCode AS unit_code,
    r.projectCode AS project_code,
    r.projectName AS project_name,
    r.phase,
    r.status,
    CAST(r.signedDate AS VARCHAR) AS signed_date,
    CASE WHEN r.signedDate IS NULL THEN f.first_month ELSE substr(CAST(r.signedDate AS VARCHAR), 1, 7) END AS signed_month,
    CASE WHEN r.signedDate IS NULL THEN '台账首次出现' ELSE '签约日期' END AS signed_from,
    r.totalInvestment AS total_investment,
    r.leader,
    r.problems
  FROM month_rows r
  LEFT JOIN first_seen f ON f.project_code = r.projectCode
  WHERE r.batch = '签约' AND r.status = '已签约'
),
aged AS (
  SELECT
    c.*,
    (CAST(substr(c.month, 1, 4) AS INTEGER) * 12 + CAST(substr(c.month, 6, 2) AS INTEGER))
      - (CAST(substr(c.signed_month, 1, 4) AS INTEGER) * 12 + CAST(substr(c.signed_month, 6, 2) AS INTEGER)) AS months_signed
  FROM candidates c
)
SELECT
  unit_code,
  project_code,
  project_name,
  phase,
  status,
  signed_date,
  signed_month,
  signed_from,
  months_signed,
  total_investment,
  leader,
  problems
FROM aged
WHERE months_signed > CAST(? AS INTEGER)
ORDER BY months_signed DESC, unit_code, project_code
