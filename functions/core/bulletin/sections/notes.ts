/** The notes under every edition: what the rates mean, 时序进度, the grades and the score. Pure. */
import type { Config } from '../../shared/config';
import { formatPointsAbs, formatRate } from '../format';
import { RATE_KEYS, RATE_NAMES, type RatesDoc } from '../../metrics/rates-types';

/** The notes of both editions (a city edition adds one on its ranks). */
export function commonNotes(doc: RatesDoc, config: Config, label: string): string[] {
  const g = config.grades;
  const redGap = formatPointsAbs(g.investmentRedGap);
  const w = config.scoreWeights;
  const weights = RATE_KEYS.filter((k) => w[k] > 0).map((k) => `${RATE_NAMES[k]} ${w[k]}`);
  return [
    `签约落地率、开工率为“签约一批”项目中已落地、已开工项目的比例；投产率为“开工一批”项目中已投产项目的比例；达效率为“投产一批”项目中已达效项目的比例；投资完成率为本年累计完成投资与年度计划投资之比。已终止项目计入分母。`,
    `时序进度为月份数除以 12（${label}为 ${formatRate(doc.timeProgress)}）。`,
    `分级：签约落地率、开工率、投产率、达效率 ${formatRate(g.green)} 及以上为绿、${formatRate(g.yellow)} 至 ${formatRate(g.green)} 为黄、低于 ${formatRate(g.yellow)} 为红；` +
      `投资完成率达到时序进度为绿、低于时序进度不足 ${redGap} 个百分点为黄、低于 ${redGap} 个百分点及以上为红。`,
    `综合得分为各项比率的加权平均（权重：${weights.join('、')}；无数据的比率不计入），满分 100；“—”表示无数据（分母为 0，或未报送、报送未通过），不参与排名；位次后的 ↑、↓、→ 表示较上月上升、下降、不变。`,
  ];
}
