import { describe, expect, it } from 'vitest';
import {
  planReminders,
  reminderCronDays,
  reminderDayOf,
  reminderDays,
  reminderModel,
  reminderMonthOn,
  reminderText,
  safeLink,
  type UnitReceiptState,
  unitReceiptStates,
} from '../../../functions/core/delivery/reminders';
import { parseConfig } from '../../../functions/core/shared/config';
import { REPORTING_UNITS, reportingUnitsOf } from '../../../functions/core/shared/divisions';

const LUOHE = ['411102', '411103', '411104', '411121', '411122'];

describe('reminder days', () => {
  it('are the deadline day minus each daysBefore, at reminders.hour Asia/Shanghai (defaults: the 3rd 18:00, [3, 1], 09:00)', () => {
    const days = reminderDays('2026-10', parseConfig({}));
    // 3 days before 3 November is 31 October: a reminder day in the month reported on itself.
    expect(days).toEqual([
      { daysBefore: 3, date: '2026-10-31', at: '2026-10-31T01:00:00.000Z' },
      { daysBefore: 1, date: '2026-11-02', at: '2026-11-02T01:00:00.000Z' },
    ]);
    // February has 28 days: 3 before 3 March is 28 February; December rolls into the next year.
    expect(reminderDays('2027-02', parseConfig({})).map((d) => d.date)).toEqual(['2027-02-28', '2027-03-02']);
    expect(reminderDays('2026-12', parseConfig({ reminders: { daysBefore: [2] } })).map((d) => d.date)).toEqual(['2027-01-01']);
  });

  it('follow the configured deadline and hour, once per date, and never at or after the deadline', () => {
    const config = parseConfig({ deadline: { dayOfNextMonth: 10, hour: 12 }, reminders: { daysBefore: [5, 0, 5, 1], hour: 8 } });
    expect(reminderDays('2026-10', config)).toEqual([
      { daysBefore: 5, date: '2026-11-05', at: '2026-11-05T00:00:00.000Z' },
      { daysBefore: 1, date: '2026-11-09', at: '2026-11-09T00:00:00.000Z' },
      { daysBefore: 0, date: '2026-11-10', at: '2026-11-10T00:00:00.000Z' },
    ]);
    // 0 days before at 18:00 with the deadline at 12:00 would come after it: no such reminder.
    const late = parseConfig({ deadline: { dayOfNextMonth: 10, hour: 12 }, reminders: { daysBefore: [0], hour: 18 } });
    expect(reminderDays('2026-10', late)).toEqual([]);
  });

  it('tell the month a date reminds of: the month before, or (late in a month) the month itself', () => {
    const config = parseConfig({});
    expect(reminderMonthOn('2026-11-02', config)).toBe('2026-10');
    expect(reminderMonthOn('2026-10-31', config)).toBe('2026-10');
    expect(reminderMonthOn('2026-11-01', config)).toBeNull();
    expect(reminderMonthOn('2026-11-30', config)).toBe('2026-11');
    expect(reminderMonthOn('2027-01-02', config)).toBe('2026-12');
    expect(reminderDayOf('2026-10', '2026-11-02', config)?.daysBefore).toBe(1);
    expect(reminderDayOf('2026-10', '2026-11-03', config)).toBeNull();
  });
});

describe("the reminder schedule's days of the month", () => {
  it('hold every reminder day of every month (short months, leap February, year ends) for several configurations', () => {
    const configs = [
      parseConfig({}),
      parseConfig({ reminders: { daysBefore: [5, 3, 0] } }),
      parseConfig({ deadline: { dayOfNextMonth: 1, hour: 9 }, reminders: { daysBefore: [0, 1, 7], hour: 9 } }),
      parseConfig({ deadline: { dayOfNextMonth: 28 }, reminders: { daysBefore: [27, 10] } }),
    ];
    for (const config of configs) {
      const cron = new Set(reminderCronDays(config));
      for (let i = 0; i < 36; i++) {
        const month = `${2026 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
        for (const d of reminderDays(month, config)) expect(cron.has(Number(d.date.slice(8))), `${month} ${d.date}`).toBe(true);
      }
    }
    expect(reminderCronDays(parseConfig({}))).toEqual([2, 28, 29, 30, 31]);
    // 0 days before at 09:00 with the deadline at 09:00 is no reminder: not in the cron either.
    expect(reminderCronDays(configs[2])).toEqual([22, 23, 24, 25, 28, 29, 30, 31]);
  });
});

describe('who has reported', () => {
  const receipt = (unitCode: string, status: 'accepted' | 'rejected' | 'superseded', eventTime: string, summary = `${unitCode} ${status}`) => ({
    unitCode,
    status,
    summary,
    file: { eventTime },
  });

  it('an accepted current upload is accepted (a later refusal does not undo it); without one the latest refusal; else none', () => {
    const states = unitReceiptStates(
      [
        receipt('411102', 'accepted', '2026-11-01T01:00:00Z'),
        receipt('411102', 'rejected', '2026-11-01T02:00:00Z'),
        receipt('411103', 'rejected', '2026-11-01T03:00:00Z', 'first refusal'),
        receipt('411103', 'rejected', '2026-11-01T05:00:00Z', 'latest refusal'),
        receipt('411103', 'rejected', '2026-11-01T04:00:00Z', 'middle refusal'),
        receipt('000000', 'rejected', '2026-11-01T04:00:00Z'),
      ],
      [{ unitCode: '411102', uploadId: 'u1' }],
    );
    expect(states.get('411102')).toEqual({ state: 'accepted' });
    expect(states.get('411103')).toEqual({ state: 'rejected', summary: 'latest refusal', uploadedAt: '2026-11-01T05:00:00Z' });
    expect(states.get('411104')).toEqual({ state: 'none' });
    expect(states.size).toBe(REPORTING_UNITS.length);
  });

  it('a current upload its city returned is reminded with the city’s reason; a return of an older upload is not', () => {
    const review = (unitCode: string, uploadId: string) => ({ month: '2026-10', unitCode, uploadId, decision: 'returned' as const, reason: '缺少开工佐证材料', unrecognized: [], by: 'city-token', at: '2026-11-01T06:00:00Z' });
    const states = unitReceiptStates(
      [receipt('411102', 'accepted', '2026-11-01T01:00:00Z'), receipt('411103', 'accepted', '2026-11-01T01:00:00Z')],
      [{ unitCode: '411102', uploadId: 'u2' }, { unitCode: '411103', uploadId: 'u3' }],
      [review('411102', 'u2'), review('411103', 'older')],
    );
    expect(states.get('411102')).toEqual({ state: 'rejected', summary: '台账已被市级退回：缺少开工佐证材料，请修改后重新上传', uploadedAt: '2026-11-01T06:00:00Z' });
    expect(states.get('411103')).toEqual({ state: 'accepted' });
  });
});

describe('the plan of a reminder day', () => {
  const accepted: UnitReceiptState = { state: 'accepted' };
  /** Every unit accepted except those given. */
  const statesWith = (over: Record<string, UnitReceiptState>) => new Map(REPORTING_UNITS.map((d) => [d.code, over[d.code] ?? accepted]));
  const refusal = '未接收：郾城区 2026年10月 第 6 行“总投资（万元）”：“待定”不是数字，请修改后重新上传';
  const config = parseConfig({
    contacts: {
      '411102': ['yuanhui@example.gov.cn'],
      '411103': ['yancheng@example.gov.cn', 'yancheng2@example.gov.cn'],
      '411100': ['luohe@example.gov.cn'],
      '419001': ['jiyuan@example.gov.cn'],
    },
  });

  it('mails each missing unit (a refused one with its reason) and each city office its list; nobody else', () => {
    const plan = planReminders({
      month: '2026-10',
      date: '2026-11-02',
      config,
      states: statesWith({
        '411102': { state: 'none' },
        '411103': { state: 'rejected', summary: refusal, uploadedAt: '2026-11-01T02:00:00Z' },
        '411104': { state: 'none' },
      }),
    });
    expect(plan.deadline).toBe('2026-11-03T10:00:00.000Z');
    expect(plan.missing.map((u) => [u.code, u.state, u.rejection])).toEqual([
      ['411102', 'none', null],
      ['411103', 'rejected', refusal],
      ['411104', 'none', null],
    ]);
    expect(plan.mails.map((m) => [m.kind, m.code, m.to, m.edition])).toEqual([
      ['unit', '411102', ['yuanhui@example.gov.cn'], 'remind-2026-11-02-411102'],
      ['unit', '411103', ['yancheng@example.gov.cn', 'yancheng2@example.gov.cn'], 'remind-2026-11-02-411103'],
      ['city', '411100', ['luohe@example.gov.cn'], 'remind-2026-11-02-city-411100'],
    ]);
    expect(plan.mails[2].units.map((u) => u.code)).toEqual(['411102', '411103', '411104']);
    // 召陵区 has no address of its own: reported, not dropped (its city still lists it).
    expect(plan.noContact).toEqual([{ kind: 'unit', code: '411104', name: '召陵区', missing: 1 }]);
  });

  it('reports units and cities without contacts, and sends no city mail for a self-reporting city', () => {
    const plan = planReminders({
      month: '2026-10',
      date: '2026-11-02',
      config,
      states: statesWith({ '410102': { state: 'none' }, '419001': { state: 'none' }, '410173': { state: 'none' } }),
    });
    expect(plan.mails.map((m) => [m.kind, m.code])).toEqual([['unit', '419001']]);
    expect(plan.noContact).toEqual([
      { kind: 'unit', code: '410102', name: '中原区', missing: 1 },
      { kind: 'unit', code: '410173', name: '郑州航空港经济综合实验区', missing: 1 },
      { kind: 'city', code: '410100', name: '郑州市', missing: 1 },
    ]);
    expect(reportingUnitsOf('419001').map((d) => d.code)).toEqual(['419001']);
  });

  it('has nothing to send when every unit has an accepted upload', () => {
    const plan = planReminders({ month: '2026-10', date: '2026-11-02', config, states: statesWith({}) });
    expect(plan).toMatchObject({ missing: [], mails: [], noContact: [] });
  });

  it('says it in Chinese: the deadline, the refusal, the city list, the portal link', () => {
    const plan = planReminders({
      month: '2026-10',
      date: '2026-11-02',
      config,
      states: statesWith(Object.fromEntries(LUOHE.map((c) => [c, c === '411103' ? { state: 'rejected', summary: refusal, uploadedAt: '2026-11-01T02:00:00Z' } : { state: 'none' }]))),
    });
    const ctx = { now: new Date('2026-11-02T01:00:00Z'), portalUrl: 'https://portal.example.gov.cn/', issuer: '省专班' };
    const [unit, rejected] = plan.mails.filter((m) => m.kind === 'unit').map((m) => reminderModel(m, plan, ctx));
    expect(unit.subject).toBe('【催报】请于2026年11月3日 18:00前报送2026年10月“三个一批”项目台账（源汇区）');
    expect(reminderText(unit)).toContain('截至2026年11月2日 09:00，系统尚未收到你单位2026年10月“三个一批”项目台账。');
    expect(reminderText(unit)).toContain('距截止时间不足 2 天');
    expect(reminderText(unit)).toContain('报送平台：https://portal.example.gov.cn/');
    expect(rejected.subject).toContain('郾城区2026年10月“三个一批”项目台账未通过校验');
    expect(rejected.rejection).toBe(refusal);
    expect(reminderText(rejected)).toContain('于2026年11月1日 10:00上传的2026年10月“三个一批”项目台账未通过校验');
    const city = reminderModel(plan.mails.find((m) => m.kind === 'city')!, plan, ctx);
    expect(city.subject).toBe('【催报】漯河市尚有 5 个单位未完成2026年10月“三个一批”项目台账报送');
    expect(city.rows.map((r) => `${r.code} ${r.name} ${r.state}`)).toEqual([
      '411102 源汇区 未报送',
      '411103 郾城区 报送未通过',
      '411104 召陵区 未报送',
      '411121 舞阳县 未报送',
      '411122 临颍县 未报送',
    ]);
    expect(city.rows[1].reason).toBe(refusal);
    expect(reminderText(city)).toContain('请督促以上单位按时报送');
  });

  it('links only to an http(s) portal', () => {
    expect(safeLink('https://p.example.gov.cn')).toEqual({ url: 'https://p.example.gov.cn' });
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink(null)).toBeNull();
  });
});
