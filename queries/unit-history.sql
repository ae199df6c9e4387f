-- unit-history: 一个报送单位逐月的报送、项目数与签约落地率、开工率、投资完成率
--
-- 每个有台账的月份一行（表 ledger 的 month 分区），按月份排序。未报送的月份没有行：是空缺，
-- 不是 0。比率的定义同 city-rates（docs/metrics.md：落地取默认口径 landed，分母为 0 时为
-- NULL），在该单位当月的现行台账上计算，与各月 rates.json 中该单位（level = county）的
-- rates 相同。upload_id 是当月计入的那次上报，可与回执对照。
--
-- @param unit 报送单位代码，6 位（如 411102 源汇区；济源 419001、航空港区 410173）
SELECT
  month,
  min(uploadId) AS upload_id,
  count(*) AS projects,
  sum(CASE WHEN batch = '签约' THEN 1 ELSE 0 END) AS signed,
  sum(CASE WHEN batch = '签约' AND status IN ('已落地', '已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS signed_landed,
  sum(CASE WHEN batch = '签约' AND status IN ('已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS signed_started,
  sum(annualPlan) AS annual_plan,
  sum(ytdCompleted) AS ytd_completed,
  CAST(sum(CASE WHEN batch = '签约' AND status IN ('已落地', '已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS DOUBLE)
    / nullif(sum(CASE WHEN batch = '签约' THEN 1 ELSE 0 END), 0) AS signing_landing_rate,
  CAST(sum(CASE WHEN batch = '签约' AND status IN ('已开工', '已投产', '已达效') THEN 1 ELSE 0 END) AS DOUBLE)
    / nullif(sum(CASE WHEN batch = '签约' THEN 1 ELSE 0 END), 0) AS start_rate,
  sum(ytdCompleted) / nullif(sum(annualPlan), 0) AS investment_completion_rate
FROM ledger
WHERE unitCode = CAST(? AS VARCHAR)
GROUP BY month
ORDER BY month
