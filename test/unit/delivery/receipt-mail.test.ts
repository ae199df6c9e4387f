import { describe, expect, it } from 'vitest';
import { receiptEdition, receiptMailModel, receiptMailText, receiptRecipients } from '../../../functions/core/delivery/receipt-mail';
import { buildReceipt } from '../../../functions/core/ingest/receipt';
import { issue } from '../../../functions/core/ledger/issues';
import { parseConfig } from '../../../functions/core/shared/config';

const config = parseConfig({ contacts: { '411102': ['yuanhui@example.gov.cn'] } });
const file = { bucket: 'raw', key: 'incoming/2026-10/411102/x.xlsx', name: '411102-源汇区.xlsx', size: 10, sha256: 'ab', versionId: null, eventTime: '2026-11-01T02:00:00Z', sequencer: null };
const receipt = (o: Partial<Parameters<typeof buildReceipt>[0]> = {}) =>
  buildReceipt({ uploadId: 'u1', status: 'accepted', month: '2026-10', unitCode: '411102', file, processedAt: '2026-11-01T02:00:01Z', projects: 3, skippedRows: 0, errors: [], warnings: [], ...o });
const ctx = { now: new Date('2026-11-01T02:00:05Z'), portalUrl: null, issuer: '省专班' };

describe('who gets a receipt mail', () => {
  it("the unit's contacts, when receipt mails are on; nobody for a superseded receipt or one naming no unit", () => {
    expect(receiptRecipients(receipt(), config)).toEqual(['yuanhui@example.gov.cn']);
    expect(receiptRecipients(receipt(), parseConfig({ ...config, reminders: { receiptMail: false } }))).toEqual([]);
    expect(receiptRecipients(receipt({ status: 'superseded' }), config)).toEqual([]);
    expect(receiptRecipients(receipt({ unitCode: null }), config)).toEqual([]);
    expect(receiptRecipients(receipt({ unitCode: '411103' }), config)).toEqual([]);
    expect(receiptEdition('u1')).toBe('receipt-u1');
  });
});

describe('what it says', () => {
  it('accepted without warnings: nothing to do, no table', () => {
    const m = receiptMailModel(receipt(), ctx);
    expect(m.subject).toBe('【回执】源汇区2026年10月“三个一批”项目台账已接收（共 3 个项目）');
    expect(m.tableTitle).toBe('');
    expect(receiptMailText(m)).toContain('已通过校验并接收，共 3 个项目。');
    expect(m.link).toBeNull();
  });

  it('a correction after the lock says that it changes nothing published', () => {
    expect(receiptMailModel(receipt({ correction: true }), ctx).intro).toContain('本次上传作为更正保存，不改变已发布的通报数据');
  });

  it('refused: every listed error, and how many more the receipt holds beyond its first 100', () => {
    const errors = Array.from({ length: 130 }, (_, i) => issue('invalid-money', `第 ${i + 2} 行“总投资”：“x”不是数字`, i + 2, '总投资', 'x'));
    const m = receiptMailModel(receipt({ status: 'rejected', projects: 0, errors }), ctx);
    expect(m.rows).toHaveLength(100);
    expect(m.rows[0]).toEqual({ row: '第 2 行', column: '总投资', value: 'x', message: '第 2 行“总投资”：“x”不是数字' });
    expect(m.tableTitle).toBe('错误（共 130 处，须全部修改后重新上传）');
    expect(m.more).toBe('另有 30 处未列出，完整清单见报送平台中的回执。');
    const text = receiptMailText(m);
    expect(text).toContain('  100. 第 101 行“总投资”：“x”不是数字');
    expect(text).toContain('另有 30 处未列出');
  });

  it('names the row, column and value in text when the message does not', () => {
    const m = receiptMailModel(receipt({ status: 'rejected', projects: 0, errors: [issue('required-empty', '必填项为空', 7, '项目名称', null)] }), ctx);
    expect(receiptMailText(m)).toContain('  1. 第 7 行，列“项目名称”：必填项为空');
  });
});
