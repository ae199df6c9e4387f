/**
 * A city-level unit's own edition of the monthly 通报: its numbers against the province, its
 * reporting units ranked within the city, its warnings and data-quality findings. Same shape as
 * the province bulletin (BulletinModel, edition 'city'), so one set of templates prints both. Pure.
 */
import {
  PROVINCE_EDITION,
  type RateCell,
  attachmentName,
  batchTable,
  buildBulletinModel,
  cityEntries,
  commonNotes,
  countsParagraph,
  countyCountNoun,
  fallRow,
  fallRows,
  fallsOf,
  indicatorRows,
  investmentWithGap,
  mailSubject,
  mastheadOf,
  numberTables,
  moveClass,
  peerOf,
  provinceUnit,
  qualitySection,
  rateCell,
  redRows,
  scoreRanks,
  unitCharts,
  unitIndex,
  unreportedGroups,
  COUNT_RATES,
  BULLETIN_TITLE,
  type BulletinModel,
  type BulletinOptions,
  type UnitRow,
  type WarningSection,
} from './bulletin-model';
import type { Config } from '../shared/config';
import { CITIES, reportingUnitsOf, shortName } from '../shared/divisions';
import {
  DASH,
  formatCount,
  formatGap,
  formatPoints,
  formatPointsAbs,
  formatRank,
  formatRankMove,
  formatRankMovePhrase,
  formatRate,
  formatRateCompare,
  formatScore,
} from './format';
import { monthLabel } from '../shared/months';
import { PROSE_METRIC, investmentSentence, laggardsClause, laggardsSentence, leadersClause, leadersSentence, sentence } from './prose';
import { competitionRanks } from '../metrics/rank';
import { emptyCounts, emptyInvestment, nullRates } from '../metrics/rates';
import { RATE_KEYS, RATE_NAMES, type RateKey, type RatesDoc, type UnitResult } from '../metrics/rates-types';

/** Every edition of the month: the province's, then the 19 city-level units' in official order. */
export function buildEditions(doc: RatesDoc, config: Config, opts: BulletinOptions, only?: string | null): BulletinModel[] {
  if (only && only !== PROVINCE_EDITION) return [buildCityEdition(doc, config, only, opts)];
  const province = buildBulletinModel(doc, config, opts);
  if (only === PROVINCE_EDITION) return [province];
  return [province, ...CITIES.map((c) => buildCityEdition(doc, config, c.code, opts))];
}

/** Codes that name an edition: `province` and the 19 city-level codes. */
export function editionCodes(): string[] {
  return [PROVINCE_EDITION, ...CITIES.map((c) => c.code)];
}

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
  const label = monthLabel(doc.month);
  const masthead = mastheadOf(doc, config, opts, fullName);
  const fall = opts.fallThreshold ?? config.bulletin.fallThreshold;

  const members = reportingUnitsOf(cityCode)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((d) => ({ code: d.code, name: d.name, unit: idx('county', d.code) }));
  const self = members.length === 1 && members[0].code === cityCode;
  const unreportedCodes = doc.unreported.filter((c) => members.some((m) => m.code === c));
  const unreported = unreportedGroups(unreportedCodes, doc);
  const expected = members.length;
  const reportedCount = members.filter((m) => m.unit?.reported).length;
  unreported.sentence = self
    ? city.reported
      ? `${fullName}本月已按时报送台账。`
      : `${fullName}本月未报送台账。`
    : `本月${fullName}应报送台账的县（市、区）${expected} 个，已报送 ${reportedCount} 个` +
      (unreportedCodes.length ? `，未报送 ${unreportedCodes.length} 个：${unreported.groups.flatMap((g) => g.units).join('、')}。` : '，全部按时报送。');

  // ── 一、总体情况: the city against the province
  const cities = cityEntries(doc);
  const cityScoreRank = scoreRanks(cities.map((c) => c.unit), true)[cities.findIndex((c) => c.code === cityCode)] ?? null;
  const prevCities = opts.previous ? scoreRanks(cities.map((c) => prev('city', c.code)), true) : [];
  const prevCityScoreRank = prevCities[cities.findIndex((c) => c.code === cityCode)] ?? null;
  const prevCity = prev('city', cityCode);
  const compareParts = RATE_KEYS.filter((k) => k !== 'investmentCompletion').map((k) => compareClause(city, province, k));
  compareParts.push(
    `${investmentWithGap(city, doc.timeProgress)}${city.rates.investmentCompletion === null ? '' : `，${rankPhrase(city.rank?.investmentCompletion, city.previousRank?.investmentCompletion)}`}`,
  );
  const scorePhrase =
    city.score === null ? '' : `综合得分 ${formatScore(city.score)} 分${cityScoreRank === null ? '' : `，${rankPhrase(cityScoreRank, prevCityScoreRank)}`}`;
  const overviewParagraphs = [
    city.reported
      ? countsParagraph(label, fullName, city) + unreported.sentence
      : `截至${label}底，${fullName}未报送“三个一批”项目台账，本期无法计算各项指标。`,
    city.reported ? `从主要指标看，${fullName}${compareParts.join('；')}${scorePhrase ? `；${scorePhrase}` : ''}。` : '',
  ].filter(Boolean);

  // ── 二、各县（市、区）进展
  const memberScoreRanks = competitionRanks(members.map((m) => m.unit?.score ?? null));
  const memberPrevScoreRanks = opts.previous ? competitionRanks(members.map((m) => prev('county', m.code)?.score ?? null)) : members.map(() => null);
  const rows: UnitRow[] = members
    .map((m, i) => ({ i, rank: memberScoreRanks[i], row: memberRow(m, memberScoreRanks[i], memberPrevScoreRanks[i], prev('county', m.code)) }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.i - b.i)
    .map((x) => x.row);
  const peers = (key: RateKey) => members.map((m) => peerOf(m.name, m.unit, m.unit?.rates[key] ?? null));
  const rankOpts = { scope: '全市', everyone: '各县（市、区）', countNoun: countyCountNoun };
  const scorePeers = members.map((m) => peerOf(m.name, m.unit, m.unit?.score ?? null));
  const unitParagraphs = self
    ? [`${fullName}直接报送台账，不再分县（市、区）排名；其在全省的位次见表2。`]
    : [
        leadersSentence(COUNT_RATES.map((key) => ({ key, peers: peers(key) })), rankOpts, '从县（市、区）看，'),
        investmentSentence(
          members.map((m) => ({ ...peerOf(m.name, m.unit, m.unit?.rates.investmentCompletion ?? null), grade: m.unit?.grade?.investmentCompletion ?? null })),
          { timeProgress: doc.timeProgress, redGapPoints: formatPointsAbs(config.grades.investmentRedGap), everyone: '各县（市、区）', countNoun: countyCountNoun },
        ),
        laggardsSentence(COUNT_RATES.map((key) => ({ key, peers: peers(key) })), rankOpts, '从薄弱环节看，'),
        sentence([
          leadersClause(scorePeers, { ...rankOpts, metric: '综合得分', kind: 'score' }),
          laggardsClause(scorePeers, { ...rankOpts, scope: '', metric: '', kind: 'score' }),
        ]),
      ].filter(Boolean);
  const charts = self
    ? []
    : unitCharts(
        members.map((m) => ({ name: m.name, unit: m.unit })),
        [
          { name: '全市', unit: city, color: '#333333' },
          { name: '全省', unit: province, color: '#c8161d' },
        ],
        doc.timeProgress,
        '各县（市、区）',
      );

  // ── 三、预警
  const scope = self ? [{ code: cityCode, name: short, unit: city }] : members;
  const warnings: WarningSection = {
    nameHeader: '单位',
    red: {
      number: '',
      caption: '红色等级指标',
      rows: redRows(scope, config),
      note: self ? '' : cityRedNote(city, fullName),
    },
    falls: {
      number: '',
      caption: `较上月下降超过 ${formatPointsAbs(fall)} 个百分点的指标`,
      rows: [
        ...(self ? [] : fallsOf(city, fall).map((k) => fallRow('全市', city, k))),
        ...fallRows(scope, fall),
      ],
      note: '',
    },
    unreported,
  };
  if (!warnings.falls.rows.length) warnings.falls.note = `本月没有指标较上月下降超过 ${formatPointsAbs(fall)} 个百分点。`;

  // ── 四、数据质量
  const codes = new Set(members.map((m) => m.code));
  const quality = qualitySection(
    doc.quality.filter((f) => codes.has(f.unitCode)),
    opts.qualityLimit ?? config.bulletin.qualityLimitCity,
    '请有关单位对照台账全面自查',
    self ? '' : '本市',
  );

  const requirements = [
    `（一）对标补短。${fullName}要对照全省平均水平和本通报列出的差距，${self ? '' : '督促各县（市、区）'}推动签约项目早落地、开工项目早投产、投产项目早达效${city.grade?.investmentCompletion && city.grade.investmentCompletion !== 'green' ? '，加快投资进度，确保投资完成率达到时序进度' : ''}。`,
    `（二）预警整改。对红色等级指标和较上月下降较多的指标，要逐项查找原因、明确整改措施和时限。`,
    `（三）台账质量。${unreportedCodes.length ? '未按时报送台账的单位要及时补报；' : ''}对数据质量问题要逐条核实更正，确保台账数据真实、准确、完整。`,
  ];

  const emailRows = RATE_KEYS.map((k) => {
    const cell: RateCell = rateCell(city, k, city.rank?.[k] ?? null, city.previousRank?.[k] ?? null);
    return { name: RATE_NAMES[k], value: cell.value, change: cell.change, compare: formatRate(province.rates[k]), rank: `${cell.rank}${cell.rankMove ? ` ${cell.rankMove}` : ''}` };
  });

  return numberTables({
    edition: 'city',
    editionKey: cityCode,
    city: { code: cityCode, name: fullName, shortName: short },
    month: doc.month,
    monthLabel: label,
    masthead,
    heading: `${label}${fullName}“三个一批”项目建设进展情况`,
    footer: `${BULLETIN_TITLE}　${masthead.issueLabel}（${fullName}）`,
    overview: {
      paragraphs: overviewParagraphs,
      batchTable: { number: '', caption: `${label}${fullName}“三个一批”项目分批次情况`, rows: batchTable(city), note: '金额单位：亿元。' },
      indicatorTable: {
        number: '',
        caption: `${fullName}主要指标与全省比较`,
        unitHeader: short,
        compare: true,
        rows: indicatorRows(city, { province, rank: city.rank, previousRank: city.previousRank ?? prevCity?.rank ?? null }),
        note: `与全省比较、较上月变化的单位为百分点；全省位次为在 19 个省辖市（含济源示范区、航空港区）中的位次；时序进度为 ${formatRate(doc.timeProgress)}。`,
      },
      phaseTable: null,
    },
    units: {
      title: self ? '进展情况' : '各县（市、区）进展情况',
      intro: self ? '' : `${fullName}各县（市、区）“三个一批”项目建设情况见下表（按综合得分在全市排序），各项指标对比见图。`,
      paragraphs: unitParagraphs,
      table: {
        number: '',
        caption: `${label}${fullName}各县（市、区）“三个一批”项目建设情况`,
        nameHeader: '单位',
        rankHeader: '市内排名',
        showReportedUnits: false,
        columns: RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] })),
        rows: self ? [] : rows,
      },
      charts,
    },
    warnings,
    quality,
    requirements,
    appendix: null,
    notes: [
      ...commonNotes(doc, config, label),
      ...(self ? [] : ['县（市、区）表中的位次为在本市各县（市、区）中的位次。']),
    ],
    distribution: `（本期发至${fullName}）`,
    email: {
      subject: mailSubject(label, fullName),
      attachmentName: attachmentName(label, masthead.issueNo, fullName),
      greeting: `${fullName}“三个一批”项目建设工作负责同志：`,
      intro: `现将${label}${fullName}“三个一批”项目建设情况通报如下`,
      table: { unitHeader: fullName, compareHeader: '全省', rows: emailRows },
      lines: [
        city.rates.investmentCompletion === null
          ? ''
          : `时序进度 ${formatRate(doc.timeProgress)}，${fullName}投资完成率 ${formatRate(city.rates.investmentCompletion)}，${formatGap(city.rates.investmentCompletion, doc.timeProgress)}。`,
        scorePhrase ? `${fullName}${scorePhrase}。` : '',
        unreported.sentence,
        quality.total ? `数据质量检查发现本市台账问题 ${quality.total} 条，详见通报第四部分。` : '',
      ].filter(Boolean),
    },
  });
}

/** "（较上月上升 1 位）" or "". */
function moveSuffix(now: number | null | undefined, before: number | null | undefined): string {
  const p = formatRankMovePhrase(now, before);
  return p ? `（${p}）` : '';
}

/** "居全省第 7 位（较上月上升 1 位）" or "" without a rank. */
function rankPhrase(now: number | null | undefined, before: number | null | undefined): string {
  if (now === null || now === undefined) return '';
  return `居全省第 ${now} 位${moveSuffix(now, before)}`;
}

/** "“签约一批”项目开工率 64.1%，较上月提高 0.5 个百分点，高于全省 4.1 个百分点，居全省第 7 位". */
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

function memberRow(
  m: { code: string; name: string; unit: UnitResult | undefined },
  scoreRank: number | null,
  previousScoreRank: number | null,
  previous: UnitResult | undefined,
): UnitRow {
  const u = m.unit;
  const move = formatRankMove(scoreRank, previousScoreRank);
  return {
    code: m.code,
    name: m.name,
    reported: !!u?.reported,
    status: !u ? '无数据' : u.reported ? '' : '未报送',
    projects: u && u.reported ? formatCount(u.counts.projects) : DASH,
    reportedUnits: DASH,
    rates: RATE_KEYS.map((k) => rateCell(u, k, u?.rankInCity?.[k] ?? null, previous?.rankInCity?.[k] ?? null)),
    score: formatScore(u?.score),
    scoreRank: formatRank(scoreRank),
    scoreMove: move.text,
    scoreMoveClass: moveClass(move.move),
  };
}

function cityRedNote(city: UnitResult, fullName: string): string {
  const red = RATE_KEYS.filter((k) => city.grade?.[k] === 'red').map((k) => RATE_NAMES[k]);
  return red.length ? `${fullName}全市${red.join('、')}为红色等级。` : '';
}


