import { describe, expect, it } from 'vitest';
import { issueNumber } from '../../../functions/core/bulletin/masthead';
import { parseConfig } from '../../../functions/core/shared/config';
import { build } from '../../helpers/bulletin-build';
import { makeDoc, testConfig } from '../../helpers/bulletin-fixture';

describe('masthead, footer, mail subject, table numbers', () => {
  it('carries issuer, title, 期号 and dates; the footer repeats title and 期号', () => {
    const m = build();
    expect(m.edition).toBe('province');
    expect(m.editionKey).toBe('province');
    expect(m.monthLabel).toBe('2026年10月');
    expect(m.masthead).toMatchObject({
      title: '“三个一批”项目建设月度通报',
      issuer: '河南省“三个一批”项目建设活动领导小组办公室',
      issueNo: 10,
      issueLabel: '第 10 期',
      edition: '',
      issuedOn: '2026-11-05',
      issuedOnLabel: '2026年11月5日',
    });
    expect(m.heading).toBe('2026年10月全省“三个一批”项目建设进展情况');
    expect(m.footer).toBe('“三个一批”项目建设月度通报　第 10 期');
    expect(m.email.subject).toBe('【通报】2026年10月“三个一批”项目建设情况');
    expect(m.email.attachmentName).toBe('三个一批项目建设月度通报-2026年10月（第10期）.pdf');
  });

  it('counts 期号 from the configured base across years', () => {
    const config = parseConfig({ bulletin: { issueBase: 59, issueBaseMonth: '2025-11' } });
    expect(issueNumber('2025-11', config)).toBe(59);
    expect(issueNumber('2026-10', config)).toBe(70);
    expect(() => issueNumber('2025-12', testConfig)).toThrow('2025年12月早于配置的起始月份 bulletin.issueBaseMonth（2026年1月，第 1 期），期号将为 0：请调整配置中的 bulletin.issueBase 或 bulletin.issueBaseMonth');
  });

  it('refuses a document without a province unit', () => {
    const doc = makeDoc();
    doc.units = doc.units.filter((u) => u.level !== 'province');
    expect(() => build(doc)).toThrow(/no province unit/);
  });

  it('numbers the tables in reading order', () => {
    const m = build();
    expect([m.overview.batchTable.number, m.overview.indicatorTable.number, m.overview.phaseTable!.number, m.units.table.number, m.warnings.red.number]).toEqual(['表1', '表2', '表3', '表4', '表5']);
  });
});
