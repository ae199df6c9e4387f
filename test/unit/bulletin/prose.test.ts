import { describe, expect, it } from 'vitest';
import { cityCountNoun, countyCountNoun } from '../../../functions/core/bulletin/sections/progress';
import {
  investmentSentence,
  laggardsClause,
  laggardsSentence,
  leadersClause,
  leadersSentence,
  namedCount,
  noBaseClause,
  sentence,
  unreportedClause,
  type Peer,
} from '../../../functions/core/bulletin/prose';

const opts = { metric: '“签约一批”项目开工率', scope: '全省', everyone: '各地', countNoun: cityCountNoun };
const peers = (entries: Array<[string, number | null, Peer['missing']?]>): Peer[] =>
  entries.map(([name, value, missing]) => ({ name, value, missing: missing ?? (value === null ? 'no-base' : null) }));

/** The seed's example month: 许昌, 漯河, 驻马店 lead, all above 75%. */
const SEED = peers([
  ['郑州', 0.62],
  ['开封', 0.55],
  ['许昌', 0.861],
  ['漯河', 0.82],
  ['驻马店', 0.765],
  ['南阳', 0.41],
  ['周口', 0.7],
  ['信阳', 0.5],
]);

describe('leaders: a full top three', () => {
  it('names the top three in rank order with a round threshold, as the seed does', () => {
    expect(leadersClause(SEED, opts)).toBe('“签约一批”项目开工率居全省前3位的是许昌、漯河、驻马店，均在75%以上');
  });

  it('the threshold is the multiple of 5 at or below the lowest printed value (以上 includes it)', () => {
    const exact = peers([['A', 0.9], ['B', 0.8], ['C', 0.75], ['D', 0.1], ['E', 0.2], ['F', 0.3]]);
    expect(leadersClause(exact, opts)).toBe('“签约一批”项目开工率居全省前3位的是A、B、C，均在75%以上');
    // 74.96% prints 75.0%: the sentence agrees with the table, not with the float.
    const printed = peers([['A', 0.9], ['B', 0.8], ['C', 0.7496], ['D', 0.1], ['E', 0.2], ['F', 0.3]]);
    expect(leadersClause(printed, opts)).toContain('均在75%以上');
    const low = peers([['A', 0.04], ['B', 0.03], ['C', 0.02], ['D', 0.01], ['E', 0], ['F', 0]]);
    expect(leadersClause(low, opts)).toBe('“签约一批”项目开工率居全省前3位的是A、B、C');
  });

  it('a later clause of a list omits the scope ("居前3位")', () => {
    const s = leadersSentence(
      [
        { key: 'start', peers: SEED },
        { key: 'production', peers: SEED },
      ],
      { scope: '全省', everyone: '各地', countNoun: cityCountNoun },
      '从各地看，',
    );
    expect(s).toBe(
      '从各地看，“签约一批”项目开工率居全省前3位的是许昌、漯河、驻马店，均在75%以上；“开工一批”项目投产率居前3位的是许昌、漯河、驻马店，均在75%以上。',
    );
  });

  it('three or more at 100% read "为100%的有…N市", like the seed', () => {
    const full = peers([
      ['新乡', 1],
      ['焦作', 1],
      ['漯河', 1],
      ['南阳', 0.9995], // prints 100.0%
      ['周口', 1],
      ['驻马店', 1],
      ['济源', 1],
      ['郑州', 0.8],
      ['开封', 0.5],
    ]);
    expect(leadersClause(full, { ...opts, metric: '“投产一批”项目达效率' })).toBe(
      '“投产一批”项目达效率为100%的有新乡、焦作、漯河、南阳、周口、驻马店、济源7市',
    );
    const withZone = peers([['新乡', 1], ['焦作', 1], ['航空港区', 1], ['郑州', 0.5]]);
    expect(leadersClause(withZone, { ...opts, metric: '达效率' })).toBe('达效率为100%的有新乡、焦作、航空港区3地');
  });
});

describe('leaders: ties', () => {
  it('a tie at the boundary names every tied unit and says so', () => {
    const tie = peers([['A', 0.9], ['B', 0.8], ['C', 0.7], ['D', 0.7], ['E', 0.5], ['F', 0.4], ['G', 0.3]]);
    expect(leadersClause(tie, opts)).toBe('“签约一批”项目开工率居全省前3位的是A、B、C、D（C、D并列第3位），均在70%以上');
  });

  it('ties inside the top are noted too; equal printed figures are equal ranks', () => {
    const tie = peers([['A', 0.9], ['B', 0.90004], ['C', 0.7], ['D', 0.6], ['E', 0.5], ['F', 0.4]]);
    expect(leadersClause(tie, opts)).toBe('“签约一批”项目开工率居全省前3位的是A、B、C（A、B并列第1位），均在70%以上');
  });

  it('everyone at the top tied: "并列全省第1位…均为"', () => {
    const tie = peers([['A', 0.8], ['B', 0.8], ['C', 0.8], ['D', 0.8], ['E', 0.5], ['F', 0.4]]);
    expect(leadersClause(tie, opts)).toBe('“签约一批”项目开工率并列全省第1位的是A、B、C、D，均为 80.0%');
  });

  it('all equal: one sentence, no leaders, no laggards', () => {
    const eq = peers([['A', 0.6], ['B', 0.6], ['C', 0.6]]);
    expect(leadersClause(eq, opts)).toBe('各地“签约一批”项目开工率均为 60.0%');
    expect(laggardsClause(eq, opts)).toBeNull();
  });
});

describe('leaders: fewer than three ranked units, and nulls', () => {
  it('no value at all', () => {
    expect(leadersClause(peers([['A', null], ['B', null, 'unreported']]), opts)).toBe('各地“签约一批”项目开工率均无数据');
    expect(leadersClause([], opts)).toBeNull();
  });

  it('one unit with a value', () => {
    expect(leadersClause(peers([['郑州', 0.9], ['开封', null], ['洛阳', null, 'unreported']]), opts)).toBe(
      '“签约一批”项目开工率仅郑州有数据，为 90.0%',
    );
    // the only peer: no "仅"
    expect(leadersClause(peers([['济源', 0.462]]), opts)).toBe('济源“签约一批”项目开工率为 46.2%');
  });

  it('two units with values', () => {
    expect(leadersClause(peers([['郑州', 0.6], ['开封', 0.9], ['洛阳', null]]), opts)).toBe(
      '“签约一批”项目开工率仅开封、郑州有数据，分别为 90.0%、60.0%',
    );
    expect(leadersClause(peers([['郑州', 0.6], ['开封', 0.9]]), opts)).toBe('开封、郑州“签约一批”项目开工率分别为 90.0%、60.0%');
    expect(leadersClause(peers([['郑州', 0.6], ['开封', 0.6], ['洛阳', null]]), opts)).toBe('“签约一批”项目开工率仅郑州、开封有数据，均为 60.0%');
  });

  it('three to five units: fewer named at each end, the ends never meet', () => {
    expect(namedCount(3)).toBe(1);
    expect(namedCount(5)).toBe(2);
    expect(namedCount(6)).toBe(3);
    const three = peers([['A', 0.5], ['B', 0.9], ['C', 0.7]]);
    expect(leadersClause(three, opts)).toBe('“签约一批”项目开工率居全省首位的是B，为 90.0%');
    expect(laggardsClause(three, opts)).toBe('“签约一批”项目开工率居全省末位的是A（50.0%）');
    const five = peers([['A', 0.5], ['B', 0.9], ['C', 0.7], ['D', 0.8], ['E', 0.6]]);
    expect(leadersClause(five, opts)).toBe('“签约一批”项目开工率居全省前2位的是B、D，均在80%以上');
    expect(laggardsClause(five, opts)).toBe('“签约一批”项目开工率居全省后2位的是A（50.0%）、E（60.0%）');
  });

  it('nulls are never ranked and are explained: no base per clause, unreported once', () => {
    const ps = peers([...SEED.map((p): [string, number | null] => [p.name, p.value]), ['洛阳', null], ['航空港区', null, 'unreported']]);
    expect(noBaseClause(ps, { noBase: '暂无签约类项目' })).toBe('洛阳暂无签约类项目');
    expect(unreportedClause(ps)).toBe('航空港区未报送，未参与排名');
    const s = leadersSentence([{ key: 'start', peers: ps }], { scope: '全省', everyone: '各地', countNoun: cityCountNoun }, '从各地看，');
    expect(s).toBe('从各地看，“签约一批”项目开工率居全省前3位的是许昌、漯河、驻马店，均在75%以上（洛阳暂无签约类项目，未计算开工率）。航空港区未报送，未参与排名。');
    expect(s).not.toMatch(/null|NaN|undefined/);
  });
});

describe('laggards', () => {
  it('names the bottom three worst first, with their figures', () => {
    expect(laggardsClause(SEED, opts)).toBe('“签约一批”项目开工率居全省后3位的是南阳（41.0%）、信阳（50.0%）、开封（55.0%）');
  });

  it('a tie at the bottom boundary names every tied unit; never a leader', () => {
    const ps = peers([['A', 0.9], ['B', 0.8], ['C', 0.7], ['D', 0.3], ['E', 0.3], ['F', 0.3], ['G', 0.3], ['H', 0.1]]);
    expect(laggardsClause(ps, opts)).toBe('“签约一批”项目开工率居全省后3位的是H（10.0%）、D（30.0%）、E（30.0%）、F（30.0%）、G（30.0%）');
  });

  it('薄弱环节 are below the threshold: units at 85–91% are not named, a lone weak one is the last place', () => {
    const strong = peers([['A', 0.97], ['B', 0.95], ['C', 0.93], ['D', 0.91], ['E', 0.88], ['F', 0.85]]);
    expect(laggardsClause(strong, { ...opts, weakBelow: 0.75 })).toBeNull();
    const one = peers([['A', 0.97], ['B', 0.95], ['C', 0.93], ['D', 0.91], ['E', 0.88], ['F', 0.6]]);
    expect(laggardsClause(one, { ...opts, weakBelow: 0.75 })).toBe('“签约一批”项目开工率居全省末位的是F（60.0%）');
    const two = peers([['A', 0.97], ['B', 0.95], ['C', 0.93], ['D', 0.91], ['E', 0.7], ['F', 0.6]]);
    expect(laggardsClause(two, { ...opts, weakBelow: 0.75 })).toBe('“签约一批”项目开工率居全省后2位的是F（60.0%）、E（70.0%）');
    // printed alike is alike: 74.96% prints 75.0%, not below the 75.0% threshold
    const edge = peers([['A', 0.97], ['B', 0.95], ['C', 0.93], ['D', 0.91], ['E', 0.88], ['F', 0.7496]]);
    expect(laggardsClause(edge, { ...opts, weakBelow: 0.75 })).toBeNull();
    // without a threshold the bottom is named whatever it is
    expect(laggardsClause(strong, opts)).toBe('“签约一批”项目开工率居全省后3位的是F（85.0%）、E（88.0%）、D（91.0%）');
  });

  it('scores read in 分', () => {
    const ps = peers([['A', 85.25], ['B', 80], ['C', 79.5], ['D', 60], ['E', 55.04], ['F', 50]]);
    const o = { ...opts, metric: '综合得分', kind: 'score' as const };
    expect(leadersClause(ps, o)).toBe('综合得分居全省前3位的是A、B、C，均在75分以上');
    expect(laggardsClause(ps, { ...o, scope: '', metric: '' })).toBe('居后3位的是F（50.0 分）、E（55.0 分）、D（60.0 分）');
  });

  it('a sentence of several rates starts with the lead and skips rates with nothing to say', () => {
    const few = peers([['A', 0.5], ['B', 0.6]]);
    expect(laggardsSentence([{ key: 'start', peers: few }, { key: 'efficiency', peers: SEED }], { scope: '全省', everyone: '各地' }, '从薄弱环节看，')).toBe(
      '从薄弱环节看，“投产一批”项目达效率居全省后3位的是南阳（41.0%）、信阳（50.0%）、开封（55.0%）。',
    );
    expect(sentence([null, '', false])).toBe('');
  });
});

describe('投资完成率 against 时序进度', () => {
  const tp = 10 / 12;
  it('names who reached it and who is 10+ points below', () => {
    const s = investmentSentence(
      [
        { name: '郑州', value: 0.854, grade: 'green' },
        { name: '开封', value: 0.552, grade: 'red' },
        { name: '洛阳', value: 0.8, grade: 'yellow' },
        { name: '航空港区', value: 0.589, grade: 'red' },
        { name: '济源', value: null, grade: null, missing: 'unreported' },
      ],
      { timeProgress: tp, redGapPoints: '10.0', everyone: '各地', countNoun: cityCountNoun },
    );
    expect(s).toBe('投资完成率达到时序进度（83.3%）的有郑州；低于时序进度 10.0 个百分点及以上的有开封（55.2%）、航空港区（58.9%）2地。');
  });

  it('everyone / no one reached it; reporting units are counted "共 N 个"', () => {
    const all = [{ name: 'A', value: 0.9, grade: 'green' as const }, { name: 'B', value: 0.85, grade: 'green' as const }];
    expect(investmentSentence(all, { timeProgress: tp, redGapPoints: '10.0', everyone: '各县（市、区）' })).toBe('各县（市、区）投资完成率均达到时序进度（83.3%）。');
    const none = [{ name: 'A', value: 0.8, grade: 'yellow' as const }, { name: 'B', value: 0.5, grade: 'red' as const }];
    expect(investmentSentence(none, { timeProgress: tp, redGapPoints: '10.0', everyone: '各县（市、区）', countNoun: countyCountNoun })).toBe(
      '各县（市、区）投资完成率均未达到时序进度（83.3%）；低于时序进度 10.0 个百分点及以上的有B（50.0%）。',
    );
    expect(investmentSentence([{ name: 'A', value: null, grade: null }], { timeProgress: tp, redGapPoints: '10.0', everyone: '各地' })).toBe('');
  });
});
