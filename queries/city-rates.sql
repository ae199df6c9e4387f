-- city-rates: 某月各省辖市（含济源、航空港区）的签约落地率、开工率、投资完成率，从台账重算
--
-- 按 docs/metrics.md 的定义，在该月台账（表 ledger，每个报送单位当月的现行台账）上重算：
--   签约落地率 = 批次“签约”且项目状态 ≥ 已落地 的项目数 ÷ 批次“签约”的项目数
--   开工率     = 批次“签约”且项目状态 ≥ 已开工 的项目数 ÷ 批次“签约”的项目数
--   投资完成率 = Σ 本年累计完成投资 ÷ Σ 年度计划投资（全部批次，万元）
-- 状态顺序 已签约 < 已落地 < 已开工 < 已投产 < 已达效；已终止 不进分子，仍在分母。分母为 0 时
-- 比率为 NULL（通报中的“—”）。落地取默认口径 landingCriterion = landed；市的比率由其各报送
-- 单位的计数与金额加总后计算，不是各县比率的平均。只列当月有报送的市（未报送的市没有行）。
-- 市由报送单位代码得出：济源 419001、航空港区 410173 自为一市，其余为代码前四位 + 00。
-- 比率是未四舍五入的小数（0.9167 = 91.7%），与 rates.json 的 rates 相同。
--
-- @param month 报告月份 YYYY-MM（如 2026-10）
WITH cities (city_code, city_name) AS (
  VALUES
    ('410100', '郑州市'), ('410200', '开封市'), ('410300', '洛阳市'), ('410400', '平顶山市'),
    ('410500', '安阳市'), ('410600', '鹤壁市'), ('410700', '新乡市'), ('410800', '焦作市'),
    ('410900', '濮阳市'), ('411000', '许昌市'), ('411100', '漯河市'), ('411200', '三门峡市'),
    ('411300', '南阳市'), ('411400', '商丘市'), ('411500', '信阳市'), ('411600', '周口市'),
    ('411700', '驻马店市'), ('419001', '济源市'), ('410173', '郑州航空港经济综合实验区')
),
month_rows AS (
  SELECT
    CASE WHEN unitCode IN ('410173', '419001') THEN unitCode ELSE substr(unitCode, 1, 4) || '00' END AS city_code,
    unitCode AS unit_code,
    batch,
    status,
    annualPlan AS annual_plan,
    ytdCompleted AS ytd_completed
  FROM ledger
  WHERE month = CAST(? AS VARCHAR)
),
sums AS (
  SELECT
    city_code,
    count(DISTINCT unit_code) AS units_reported,
    count(*) AS projects,
    sum(CASE WHEN batch = '签约' THEN 1 ELSE 0 END) AS signed,
    sum(CASE WHEN batch = '签约' AND status IN ('已落地', '已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS signed_landed,
    sum(CASE WHEN batch = '签约' AND status IN ('已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS signed_started,
    sum(annual_plan) AS annual_plan,
    sum(ytd_completed) AS ytd_completed
  FROM month_rows
  GROUP BY city_code
)
SELECT
  s.city_code,
  c.city_name,
  s.units_reported,
  s.projects,
  s.signed,
  s.signed_landed,
  s.signed_started,
  s.annual_plan,
  s.ytd_completed,
  CAST(s.signed_landed AS DOUBLE) / nullif(s.signed, 0) AS signing_landing_rate,
  CAST(s.signed_started AS DOUBLE) / nullif(s.signed, 0) AS start_rate,
  s.ytd_completed / nullif(s.annual_plan, 0) AS investment_completion_rate
FROM sums s
JOIN cities c ON c.city_code = s.city_code
ORDER BY s.city_code
