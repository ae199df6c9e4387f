/**
 * A city-level unit's own edition of the monthly 通报: its numbers against the province, its
 * reporting units ranked within the city, its warnings and data-quality findings. Same shape as
 * the province bulletin (BulletinModel, edition 'city'), so one set of templates prints both; the
 * sections are built by ./sections. What is here is the city's own: its peers, its wording, its
 * comparison with the province, and a unit that reports for itself (济源, 航空港区). Pure.
 */
import type { Config } from '../shared/config';
import { CITIES, shortName } from '../shared/divisions';
import { formatPoints, formatPointsAbs, formatRankMovePhrase, formatRate, formatRateCompare, formatScore } from './format';
import { PROSE_METRIC } from './prose';
import { membersOf, provinceUnit, rankedCities, rejectedCodes, scoreRanksNowAndBefore, unitIndex } from './cells';
import { emailModel, investmentLine, qualityLine } from './email';
import { frontMatter, numberTables } from './masthead';
import { commonNotes } from './sections/notes';
import { countsParagraph, indicatorRows, investmentWithGap, overviewSection } from './sections/overview';
import { REF_COLOR, countyCountNoun, progressSection, unitsSection, type PeerScope } from './sections/progress';
import { qualitySection } from './sections/quality';
import { trendSection } from './sections/trend';
import { yearSeries } from './trend-data';
import { deadlineText, fallRow, fallsOf, reportingSentence, unreportedLists, warningSection } from './sections/warnings';
import { emptyCounts, emptyInvestment, nullRates } from '../metrics/rates';
import { RATE_KEYS, RATE_NAMES, type RateKey, type RatesDoc, type UnitResult } from '../metrics/rates-types';
import type { BulletinModel, BulletinOptions, UnreportedList } from './view-model';

/** A city's peers: its reporting units (县（市、区）). */
const COUNTIES: PeerScope = {
  scope: '全市',
  everyone: '各县（市、区）',
  countNoun: countyCountNoun,
  lead: '从县（市、区）看，',
  nameHeader: '单位',
  rankHeader: '市内排名',
  aggregates: false,
};

function placeholderCity(code: string, name: string): UnitResult {
  return {
    level: 'city',
    code,
    name,
    cityCode: code,
    reported: false,
    counts: emptyCounts(),
    investment: emptyInvestment(),
    rates: nullRates(),
    change: nullRates(),
    rank: nullRates(),
    grade: nullRates(),
    score: null,
  };
}

export function buildCityEdition(doc: RatesDoc, config: Config, cityCode: string, opts: BulletinOptions): BulletinModel {
  const cityDiv = CITIES.find((c) => c.code === cityCode);
  if (!cityDiv) throw new Error(`未知的省辖市代码 ${cityCode}（应为 19 个省辖市、济源示范区、航空港区之一）`);
  const idx = unitIndex(doc);
  const prev = unitIndex(opts.previous);
  const province = provinceUnit(doc);
  const fullName = cityDiv.name;
  const short = shortName(cityDiv);
  const city = idx('city', cityCode) ?? placeholderCity(cityCode, fullName);
  const front = frontMatter(doc, config, opts, { code: cityCode, name: fullName, shortName: short });
  const label = front.monthLabel;
  const fall = opts.fallThreshold ?? config.bulletin.fallThreshold;

  const { members: divisions, self } = membersOf(cityCode);
  const refused = rejectedCodes(doc);
  const members = divisions.map((d) => ({ code: d.code, name: d.name, unit: idx('county', d.code), rejected: refused.has(d.code) }));
  const unreportedCodes = doc.unreported.filter((c) => members.some((m) => m.code === c));
  const unreported = unreportedLists(unreportedCodes, doc, members.map((m) => m.code));
  const flat = (l: UnreportedList) => ({ count: l.count, list: l.groups.flatMap((g) => g.units).join('、') });
  const ownLate = self && !!doc.deadline && idx('county', cityCode)?.reporting?.status === 'late';
  unreported.sentence = self
    ? `${fullName}本月${city.reported ? (ownLate ? `逾期报送台账（${deadlineText(doc.deadline!)}后报送）` : '已按时报送台账') : refused.has(cityCode) ? '报送的台账未通过，已退回修改' : '未报送台账'}。`
    : reportingSentence(
        fullName,
        members.length,
        members.filter((m) => m.unit?.reported).length,
        flat(unreported),
        flat(unreported.returned),
        city.timeliness && doc.deadline
          ? { onTime: city.timeliness.onTime, late: flat(unreported.late), rate: city.timeliness.rate, scope: '全市', deadline: doc.deadline }
          : null,
      );

  // ── 一、总体情况: the city against the province
  const ranked = rankedCities(doc, opts.previous);
  const at = ranked.cities.findIndex((c) => c.code === cityCode);
  const cityScoreRank = ranked.now[at] ?? null;
  const scorePhrase =
    city.score === null ? '' : `综合得分 ${formatScore(city.score)} 分${cityScoreRank === null ? '' : `，${rankPhrase(cityScoreRank, ranked.before[at] ?? null)}`}`;
  const overview = overviewSection({
    label,
    who: fullName,
    unit: city,
    paragraphs: [
      city.reported
        ? countsParagraph(label, fullName, city) + unreported.sentence
        : `截至${label}底，${fullName}未报送“三个一批”项目台账，本期无法计算各项指标。`,
      city.reported ? comparisonParagraph(fullName, city, province, doc.timeProgress, scorePhrase) : '',
    ].filter(Boolean),
    indicatorTable: {
      caption: `${fullName}主要指标与全省比较`,
      unitHeader: short,
      compare: true,
      rows: indicatorRows(city, { province, rank: city.rank, previousRank: city.previousRank ?? prev('city', cityCode)?.rank ?? null }),
      note: `与全省比较、较上月变化的单位为百分点；全省位次为在 19 个省辖市（含济源示范区、航空港区）中的位次；时序进度为 ${formatRate(doc.timeProgress)}。`,
    },
    phaseTable: null,
  });

  // ── 二、各县（市、区）进展 (none for a unit that reports for itself)
  const caption = `${label}${fullName}各县（市、区）“三个一批”项目建设情况`;
  const units = self
    ? unitsSection(COUNTIES, {
        title: '进展情况',
        intro: '',
        caption,
        paragraphs: [`${fullName}直接报送台账，不再分县（市、区）排名；其在全省的位次见表2。`],
        rows: [],
        charts: [],
      })
    : progressSection(COUNTIES, {
        title: '各县（市、区）进展情况',
        intro: `${fullName}各县（市、区）“三个一批”项目建设情况见下表（按综合得分在全市排序），各项指标对比见图。`,
        caption,
        entries: members,
        scoreRanks: scoreRanksNowAndBefore(
          members.map((m) => m.unit),
          opts.previous ? members.map((m) => prev('county', m.code)) : null,
          false,
        ),
        rateRanks: (m) => ({ now: m.unit?.rankInCity, before: prev('county', m.code)?.rankInCity }),
        refs: [
          { name: '全市', unit: city, color: REF_COLOR.city },
          { name: '全省', unit: province, color: REF_COLOR.province },
        ],
        timeProgress: doc.timeProgress,
        config,
      });

  // ── 二 (end): 1—M月走势 of the city and of each of its reporting units
  const trend = opts.history
    ? trendSection(
        yearSeries(doc, opts.history),
        { key: `city/${cityCode}`, name: short, who: fullName, everyone: COUNTIES.everyone },
        self ? [] : members.map((m) => ({ key: `county/${m.code}`, name: m.name })),
        units.charts.length + 1,
      )
    : null;

  // ── 三、预警
  const warnings = warningSection({
    nameHeader: COUNTIES.nameHeader,
    units: self ? [{ name: short, unit: city }] : members,
    config,
    fallThreshold: fall,
    redNote: self ? '' : cityRedNote(city, fullName),
    ownFalls: self ? [] : fallsOf(city, fall).map((k) => fallRow('全市', city, k)),
    fallsNote: (rows) => (rows.length ? '' : `本月没有指标较上月下降超过 ${formatPointsAbs(fall)} 个百分点。`),
    unreported,
  });

  // ── 四、数据质量
  const codes = new Set(members.map((m) => m.code));
  const quality = qualitySection(
    doc.quality.filter((f) => codes.has(f.unitCode)),
    opts.qualityLimit ?? config.bulletin.qualityLimitCity,
    '请有关单位对照台账全面自查',
    self ? '' : '本市',
  );

  // ── 五、有关要求
  const requirements = [
    `（一）对标补短。${fullName}要对照全省平均水平和本通报列出的差距，${self ? '' : '督促各县（市、区）'}推动签约项目早落地、开工项目早投产、投产项目早达效${city.grade?.investmentCompletion && city.grade.investmentCompletion !== 'green' ? '，加快投资进度，确保投资完成率达到时序进度' : ''}。`,
    `（二）预警整改。对红色等级指标和较上月下降较多的指标，要逐项查找原因、明确整改措施和时限。`,
    `（三）台账质量。${unreported.count ? '未按时报送台账的单位要及时补报；' : ''}${unreported.late.count ? '逾期报送的单位要严格执行报送时限；' : ''}${unreported.returned.count ? '报送未通过的单位要按回执逐项修改后重新报送；' : ''}对数据质量问题要逐条核实更正，确保台账数据真实、准确、完整。`,
  ];

  return numberTables({
    ...front, overview, units, trend, warnings, quality, requirements,
    appendix: null,
    notes: [...commonNotes(doc, config, label), ...(self ? [] : ['县（市、区）表中的位次为在本市各县（市、区）中的位次。'])],
    distribution: `（本期发至${fullName}）`,
    email: emailModel(front, {
      greeting: `${fullName}“三个一批”项目建设工作负责同志：`,
      unit: city,
      compare: { province, previousRank: city.previousRank },
      lines: [
        city.rates.investmentCompletion === null ? '' : investmentLine(fullName, city, doc.timeProgress),
        scorePhrase ? `${fullName}${scorePhrase}。` : '',
        unreported.sentence,
        qualityLine(quality.total, '本市台账'),
      ],
    }),
  });
}

/** 从主要指标看，郑州市“签约一批”项目落地率 …，高于全省 …，居全省第7位；…；综合得分 … 分，居全省第8位。 */
function comparisonParagraph(fullName: string, city: UnitResult, province: UnitResult, timeProgress: number, scorePhrase: string): string {
  const parts = RATE_KEYS.filter((k) => k !== 'investmentCompletion').map((k) => compareClause(city, province, k));
  parts.push(
    `${investmentWithGap(city, timeProgress)}${city.rates.investmentCompletion === null ? '' : `，${rankPhrase(city.rank?.investmentCompletion, city.previousRank?.investmentCompletion)}`}`,
  );
  return `从主要指标看，${fullName}${parts.join('；')}${scorePhrase ? `；${scorePhrase}` : ''}。`;
}

/** "（较上月上升1位）" or "". */
function moveSuffix(now: number | null | undefined, before: number | null | undefined): string {
  const p = formatRankMovePhrase(now, before);
  return p ? `（${p}）` : '';
}

/** "居全省第7位（较上月上升1位）" or "" without a rank. */
function rankPhrase(now: number | null | undefined, before: number | null | undefined): string {
  if (now === null || now === undefined) return '';
  return `居全省第${now}位${moveSuffix(now, before)}`;
}

/** "“签约一批”项目开工率 64.1%，较上月提高 0.5 个百分点，高于全省 4.1 个百分点，居全省第7位". */
function compareClause(city: UnitResult, province: UnitResult, key: RateKey): string {
  const v = city.rates[key];
  const name = PROSE_METRIC[key];
  if (v === null) return `${name}暂无数据`;
  const change = city.change?.[key];
  const phrase = typeof change === 'number' ? formatChangeShort(change) : '';
  const cmp = formatRateCompare(v, province.rates[key], '全省');
  return [`${name} ${formatRate(v)}`, phrase, cmp, rankPhrase(city.rank?.[key], city.previousRank?.[key])].filter(Boolean).join('，');
}

function formatChangeShort(delta: number): string {
  const p = formatPoints(delta);
  if (p === '0.0') return '与上月持平';
  return p.startsWith('-') ? `较上月下降 ${p.slice(1)} 个百分点` : `较上月提高 ${p.slice(1)} 个百分点`;
}

function cityRedNote(city: UnitResult, fullName: string): string {
  const red = RATE_KEYS.filter((k) => city.grade?.[k] === 'red').map((k) => RATE_NAMES[k]);
  return red.length ? `${fullName}全市${red.join('、')}为红色等级。` : '';
}
