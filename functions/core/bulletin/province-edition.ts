/**
 * The province's bulletin: 全省 in numbers, the 19 city-level units side by side, the reporting
 * units in the warnings' notes and the 附表. The sections are built by ./sections; what is here is
 * the province's own: its peers, its wording and its notes on the reporting units. Pure.
 */
import type { Config } from '../shared/config';
import { CITIES, division } from '../shared/divisions';
import { formatChangePhrase, formatPointsAbs, formatRate } from './format';
import { joinNames } from './prose';
import { cmp, displayName, provinceUnit, rankedCities } from './cells';
import { emailModel, investmentLine, qualityLine } from './email';
import { frontMatter, numberTables } from './masthead';
import { appendix } from './sections/appendix';
import { commonNotes } from './sections/notes';
import { countsParagraph, indicatorRows, overviewSection, phaseSection, ratesParagraph } from './sections/overview';
import { REF_COLOR, cityCountNoun, progressSection, type PeerScope } from './sections/progress';
import { qualitySection } from './sections/quality';
import { trendSection } from './sections/trend';
import { yearSeries } from './trend-data';
import { cityTimelinessSentence, fallsOf, reportingSentence, unreportedLists, warningSection } from './sections/warnings';
import { RATE_KEYS, RATE_NAMES, type RatesDoc, type UnitResult } from '../metrics/rates-types';
import type { BulletinModel, BulletinOptions } from './view-model';

/** The province's peers: the 19 city-level units. */
const CITY_LEVEL: PeerScope = {
  scope: '全省',
  everyone: '各地',
  countNoun: cityCountNoun,
  lead: '从各地看，',
  nameHeader: '地区',
  rankHeader: '排名',
  aggregates: true,
};

export function buildBulletinModel(doc: RatesDoc, config: Config, opts: BulletinOptions): BulletinModel {
  const province = provinceUnit(doc);
  const front = frontMatter(doc, config, opts, null);
  const label = front.monthLabel;
  const fall = opts.fallThreshold ?? config.bulletin.fallThreshold;

  // ── 一、总体情况
  const counties = doc.units.filter((u) => u.level === 'county');
  const unreported = unreportedLists(doc.unreported, doc);
  unreported.sentence = reportingSentence(
    '',
    province.reportingUnits ?? counties.length,
    province.reportedUnits ?? counties.filter((u) => u.reported).length,
    { count: unreported.count, list: unreported.text },
    { count: unreported.returned.count, list: unreported.returned.text },
    province.timeliness && doc.deadline
      ? { onTime: province.timeliness.onTime, late: { count: unreported.late.count, list: unreported.late.text }, rate: province.timeliness.rate, scope: '全省', deadline: doc.deadline }
      : null,
  );
  const phases = phaseSection(doc);
  const overview = overviewSection({
    label,
    who: '全省',
    unit: province,
    paragraphs: [
      countsParagraph(label, '全省', province),
      ratesParagraph('全省', province, doc.timeProgress),
      phases.paragraph,
    ].filter(Boolean),
    indicatorTable: {
      caption: '全省主要指标',
      unitHeader: '全省',
      compare: false,
      rows: indicatorRows(province),
      note: `时序进度为 ${formatRate(doc.timeProgress)}。`,
    },
    phaseTable: phases.table,
  });

  // ── 二、各地进展
  const { cities, now, before } = rankedCities(doc, opts.previous);
  const units = progressSection(CITY_LEVEL, {
    title: '各地进展情况',
    intro: '各省辖市、济源示范区、航空港区“三个一批”项目建设情况见下表（按综合得分排序），各项指标对比见图。',
    caption: `${label}各省辖市、济源示范区、航空港区“三个一批”项目建设情况`,
    entries: cities,
    scoreRanks: { now, before },
    rateRanks: (c) => ({ now: c.unit?.rank, before: c.unit?.previousRank }),
    refs: [{ name: '全省', unit: province, color: REF_COLOR.province }],
    timeProgress: doc.timeProgress,
    config,
  });

  // ── 二 (end): 1—M月走势 of 全省 and of each city-level unit, in official order
  const trend = opts.history
    ? trendSection(
        yearSeries(doc, opts.history),
        { key: `province/${province.code}`, name: '全省', who: '全省', everyone: '各地' },
        CITIES.map((c) => ({ key: `city/${c.code}`, name: displayName(c.code, undefined) })),
        units.charts.length + 1,
      )
    : null;

  // ── 三、预警
  unreported.sentence += cityTimelinessSentence(cities);
  const warnings = warningSection({
    nameHeader: CITY_LEVEL.nameHeader,
    units: cities,
    config,
    fallThreshold: fall,
    redNote: countyRedNote(doc),
    fallsNote: () => countyFallsNote(doc, fall),
    unreported,
  });

  // ── 四、数据质量
  const quality = qualitySection(doc.quality, opts.qualityLimit ?? config.bulletin.qualityLimitProvince, '各市分册列出本地全部问题', '');

  // ── 五、有关要求
  const requirements = [
    '（一）压实项目建设责任。各地要对照本通报，认真分析差距和原因，推动签约项目早落地、开工项目早投产、投产项目早达效；投资完成率低于时序进度的地方要加快投资进度，确保完成年度目标任务。',
    '（二）抓好预警问题整改。对红色等级指标和较上月下降较多的指标，有关地方要逐项查找原因、明确整改措施和时限，整改情况纳入下月通报。',
    `（三）确保台账真实准确。${unreported.count ? '未按时报送台账的单位要及时补报；' : ''}${unreported.late.count ? '逾期报送的单位要严格执行报送时限；' : ''}${unreported.returned.count ? '报送未通过的单位要按回执逐项修改后重新报送；' : ''}各地要对数据质量问题逐条核实更正，确保台账数据真实、准确、完整，严禁弄虚作假。`,
  ];

  return numberTables({
    ...front, overview, units, trend, warnings, quality, requirements,
    appendix: appendix(doc, label),
    notes: commonNotes(doc, config, label),
    distribution: '（本期发至各省辖市、济源示范区、航空港区）',
    email: emailModel(front, {
      greeting: '各位领导、各有关单位：',
      unit: province,
      compare: null,
      lines: [investmentLine('全省', province, doc.timeProgress), units.paragraphs[0], unreported.sentence, qualityLine(quality.total, '')],
    }),
  });
}

/** Reporting units with three or more red rates, for the province's 预警. */
function countyRedNote(doc: RatesDoc): string {
  const counties = doc.units.filter((u) => u.level === 'county' && u.reported);
  const heavy = counties
    .map((u) => ({ u, n: RATE_KEYS.filter((k) => u.grade?.[k] === 'red').length }))
    .filter((x) => x.n >= 3)
    .sort((a, b) => b.n - a.n || cmp(a.u.code, b.u.code));
  const withRed = counties.filter((u) => RATE_KEYS.some((k) => u.grade?.[k] === 'red')).length;
  if (!withRed) return '县（市、区）中没有红色等级指标。';
  const name = (u: UnitResult) => {
    const d = division(u.code);
    const city = d && d.cityCode !== d.code ? displayName(d.cityCode, undefined) : '';
    return `${d?.name ?? u.name}${city ? `（${city}）` : ''}`;
  };
  const listed = heavy.slice(0, 15).map((x) => name(x.u));
  const more = heavy.length > listed.length ? `等 ${heavy.length} 个` : '';
  return (
    `县（市、区）中，有 ${withRed} 个单位存在红色等级指标` +
    (heavy.length ? `，其中三项及以上指标为红色的是${joinNames(listed)}${more}` : '') +
    '，各单位分级情况见附表和各市分册。'
  );
}

/** Reporting units whose rates fell by more than the threshold: count, and the largest falls. */
function countyFallsNote(doc: RatesDoc, threshold: number): string {
  const falls = doc.units
    .filter((u) => u.level === 'county' && u.reported)
    .flatMap((u) => fallsOf(u, threshold).map((k) => ({ u, k, d: u.change[k] as number })))
    .sort((a, b) => a.d - b.d || cmp(a.u.code, b.u.code));
  if (!falls.length) return `县（市、区）中没有指标较上月下降超过 ${formatPointsAbs(threshold)} 个百分点。`;
  const units = new Set(falls.map((f) => f.u.code)).size;
  // Falls printed alike are said once for the group: "A开工率、B投产率（均下降 33.3 个百分点）",
  // not the same bracket five times in a row.
  const groups: Array<{ phrase: string; names: string[] }> = [];
  for (const f of falls.slice(0, 8)) {
    const phrase = formatChangePhrase(f.d);
    const name = `${division(f.u.code)?.name ?? f.u.name}${RATE_NAMES[f.k]}`;
    const last = groups[groups.length - 1];
    if (last && last.phrase === phrase) last.names.push(name);
    else groups.push({ phrase, names: [name] });
  }
  const top = groups.map((g) => `${joinNames(g.names)}（${g.names.length > 1 ? '均' : ''}${g.phrase}）`);
  return `县（市、区）中，有 ${units} 个单位共 ${falls.length} 项指标较上月下降超过 ${formatPointsAbs(threshold)} 个百分点，降幅较大的是${joinNames(top)}，详见各市分册。`;
}
