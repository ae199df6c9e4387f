import { describe, expect, it } from 'vitest';
import {
  cnNumber,
  formatChangePhrase,
  formatDuration,
  formatRankMove,
  formatRankMovePhrase,
  formatRateCompare,
  formatRateDiff,
  formatShanghaiDateTime,
  formatWholePercent,
  formatCount,
  formatDateCn,
  formatDecimal,
  formatGap,
  formatPoints,
  formatRate,
  formatScore,
  formatWan,
  formatYi,
  gapDirection,
} from '../../../functions/core/bulletin/format';

describe('formatRate', () => {
  it('shows a fraction as a percentage with one decimal', () => {
    expect(formatRate(0.57)).toBe('57.0%');
    expect(formatRate(0.943)).toBe('94.3%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(7 / 12)).toBe('58.3%');
    expect(formatRate(10 / 12)).toBe('83.3%');
    expect(formatRate(0.21428571)).toBe('21.4%');
  });

  it('rounds half up on the decimal value, not the binary float', () => {
    // 0.5705 is stored as 0.57049999999999995…; toFixed says 57.0, people expect 57.1%.
    expect((0.5705 * 100).toFixed(1)).toBe('57.0');
    expect(formatRate(0.5705)).toBe('57.1%');
    // 0.5005 * 1000 is 500.49999999999994: a plain Math.round(x * 1000) gives 50.0%.
    expect(Math.round(0.5005 * 1000)).toBe(500);
    expect(formatRate(0.5005)).toBe('50.1%');
    expect(formatRate(0.5095)).toBe('51.0%');
    expect(formatRate(0.0005)).toBe('0.1%');
    expect(formatRate(0.1235)).toBe('12.4%');
    expect(formatRate(0.9995)).toBe('100.0%');
    expect(formatRate(0.57049)).toBe('57.0%');
    // computed quotients land where a calculator would
    expect(formatRate(1141 / 2000)).toBe('57.1%'); // 0.5705
    expect(formatRate(0.1 + 0.2)).toBe('30.0%');
  });

  it('shows missing values as a dash', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(undefined)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });
});

describe('formatPoints', () => {
  it('shows a fraction delta in 百分点 with a sign', () => {
    expect(formatPoints(0.012)).toBe('+1.2');
    expect(formatPoints(-0.008)).toBe('-0.8');
    expect(formatPoints(0.05)).toBe('+5.0');
    expect(formatPoints(0.6 - 0.55)).toBe('+5.0');
    expect(formatPoints(-0.0125)).toBe('-1.3'); // half away from zero
    expect(formatPoints(0.0125)).toBe('+1.3');
  });

  it('never shows -0.0 or +0.0', () => {
    expect(formatPoints(0)).toBe('0.0');
    expect(formatPoints(-0)).toBe('0.0');
    expect(formatPoints(-0.00004)).toBe('0.0');
    expect(formatPoints(0.00004)).toBe('0.0');
  });

  it('dash for null', () => {
    expect(formatPoints(null)).toBe('—');
  });

  it('has a phrase form', () => {
    expect(formatChangePhrase(0.012)).toBe('提高 1.2 个百分点');
    expect(formatChangePhrase(-0.008)).toBe('下降 0.8 个百分点');
    expect(formatChangePhrase(-0.00001)).toBe('持平');
    expect(formatChangePhrase(null)).toBe('—');
  });
});

describe('formatGap', () => {
  it('says above / below with one decimal', () => {
    expect(formatGap(0.865, 10 / 12)).toBe('高于时序进度 3.2 个百分点'); // 86.5 − 83.3
    expect(formatGap(0.818, 10 / 12)).toBe('低于时序进度 1.5 个百分点'); // 81.8 − 83.3
    expect(formatGap(0.5702, 10 / 12)).toBe('低于时序进度 26.3 个百分点');
  });

  it('is consistent with the two printed percentages', () => {
    // 57.05% prints 57.1%, 83.33…% prints 83.3%: the sentence says 26.2, as a reader subtracts.
    expect(formatRate(0.5705)).toBe('57.1%');
    expect(formatGap(0.5705, 10 / 12)).toBe('低于时序进度 26.2 个百分点');
  });

  it('compares on the rounded value: 持平 when it rounds to zero', () => {
    expect(formatGap(10 / 12, 10 / 12)).toBe('与时序进度持平');
    expect(formatGap(0.8331, 10 / 12)).toBe('与时序进度持平');
    expect(formatGap(0.8334, 10 / 12)).toBe('与时序进度持平');
    expect(formatGap(0.8336, 10 / 12)).toBe('高于时序进度 0.1 个百分点'); // 83.4% vs 83.3%
    expect(formatGap(0.5, 0.5)).toBe('与时序进度持平');
    expect(gapDirection(0.8331, 10 / 12)).toBe('equal');
    expect(gapDirection(0.84, 10 / 12)).toBe('above');
    expect(gapDirection(0.8, 10 / 12)).toBe('below');
  });

  it('dash when investment completion is missing', () => {
    expect(formatGap(null, 0.5)).toBe('—');
    expect(gapDirection(null, 0.5)).toBeNull();
  });
});

describe('money and counts', () => {
  it('formatYi converts 万元 to 亿元 with two decimals', () => {
    expect(formatYi(123456)).toBe('12.35');
    expect(formatYi(10000)).toBe('1.00');
    expect(formatYi(0)).toBe('0.00');
    expect(formatYi(50)).toBe('0.01'); // 0.005 亿元 rounds up
    expect(formatYi(49.99)).toBe('0.00');
    expect(formatYi(2605000)).toBe('260.50');
    expect(formatYi(123456789)).toBe('12345.68');
    expect(formatYi(-12345)).toBe('-1.23');
    expect(formatYi(null)).toBe('—');
  });

  it('formatWan keeps 万元 with fixed decimals', () => {
    expect(formatWan(41000)).toBe('41000.00');
    expect(formatWan(1234.565)).toBe('1234.57');
    expect(formatWan(1.005)).toBe('1.01');
    expect(formatWan(12.3456, 1)).toBe('12.3');
    expect(formatWan(null)).toBe('—');
  });

  it('formatCount, formatScore, formatDecimal', () => {
    expect(formatCount(27)).toBe('27');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
    expect(formatScore(71.25)).toBe('71.3');
    expect(formatScore(71.2)).toBe('71.2');
    expect(formatScore(null)).toBe('—');
    expect(formatDecimal(-0.04, 1)).toBe('0.0');
    expect(formatDecimal(2.675, 2)).toBe('2.68'); // toFixed would say 2.67
  });

  it('formatDateCn', () => {
    expect(formatDateCn('2026-11-05')).toBe('2026年11月5日');
    expect(() => formatDateCn('2026/11/05')).toThrow();
  });
});

describe('rank moves', () => {
  it('up, down, unchanged, unknown (smaller rank number = better)', () => {
    expect(formatRankMove(3, 5)).toEqual({ text: '↑2', move: 'up' });
    expect(formatRankMove(7, 6)).toEqual({ text: '↓1', move: 'down' });
    expect(formatRankMove(4, 4)).toEqual({ text: '→', move: 'same' });
    expect(formatRankMove(null, 4)).toEqual({ text: '', move: null });
    expect(formatRankMove(4, undefined)).toEqual({ text: '', move: null });
    expect(formatRankMovePhrase(3, 5)).toBe('较上月上升2位');
    expect(formatRankMovePhrase(7, 6)).toBe('较上月下降1位');
    expect(formatRankMovePhrase(4, 4)).toBe('与上月持平');
    expect(formatRankMovePhrase(4, null)).toBe('');
  });
});

describe('comparing two rates', () => {
  it('on the printed values, in 百分点', () => {
    // 64.06% prints 64.1%, 59.96% prints 60.0%: the difference a reader computes is 4.1
    expect(formatRateDiff(0.6406, 0.5996)).toBe('+4.1');
    expect(formatRateDiff(0.5, 0.503)).toBe('-0.3');
    expect(formatRateDiff(0.5, 0.50004)).toBe('0.0');
    expect(formatRateDiff(null, 0.5)).toBe('—');
    expect(formatRateCompare(0.6406, 0.5996, '全省')).toBe('高于全省 4.1 个百分点');
    expect(formatRateCompare(0.5, 0.503, '全省')).toBe('低于全省 0.3 个百分点');
    expect(formatRateCompare(0.5, 0.50004, '全市')).toBe('与全市持平');
    expect(formatRateCompare(0.5, null, '全省')).toBe('');
  });
});

describe('words and dates', () => {
  it('cnNumber writes 期次 the way documents do', () => {
    expect([1, 2, 10, 11, 20, 21, 99].map(cnNumber)).toEqual(['一', '二', '十', '十一', '二十', '二十一', '九十九']);
    expect(cnNumber(100)).toBe('100');
  });

  it('whole percents, durations, Shanghai time', () => {
    expect(formatWholePercent(75)).toBe('75%');
    expect(formatDuration(7 * 86400)).toBe('7 天');
    expect(formatDuration(86400 + 5 * 3600)).toBe('1 天 5 小时');
    expect(formatDuration(12 * 3600 + 59)).toBe('12 小时');
    expect(formatDuration(90)).toBe('1 分钟');
    expect(formatShanghaiDateTime(new Date('2026-11-05T01:05:00Z'))).toBe('2026年11月5日 09:05');
    expect(formatShanghaiDateTime(new Date('2026-12-31T16:30:00Z'))).toBe('2027年1月1日 00:30');
  });
});
