import { join, resolve } from 'node:path';
import { reminderDayOf } from '../../functions/core/delivery/reminders';
import type { Config } from '../../functions/core/shared/config';
import { type RemindEvent, RemindFailedError, type RemindResult } from '../../functions/report/remind';
import { padDisplay } from '../local/text-width';
import { operator } from './month-run';
import { LocalPipeline } from '../local/runtime';

type Log = (line: string) => void;

const STATUS: Record<string, string> = { sent: '已发出', skipped: '已发过，跳过', failed: '发送失败' };

/** `tb remind` on the local store: the report Lambda's `{remind: true}` path, mails to OUT/outbox. */
export async function runRemind(o: {
  month?: string;
  date?: string;
  force?: boolean;
  send: boolean;
  out: string;
  config: Config;
  dataDir: string;
  log?: Log;
}): Promise<RemindResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const outbox = join(resolve(o.out), 'outbox');
  const pipeline = await LocalPipeline.start({ dataDir: o.dataDir, config: o.config, fresh: false, outbox });
  try {
    const event: RemindEvent = { remind: true, ...(o.month ? { month: o.month } : {}), ...(o.date ? { date: o.date } : {}), force: o.force === true, send: o.send, actor: operator() };
    let r: RemindResult;
    try {
      r = await pipeline.remind(event);
    } catch (e) {
      // Some mails failed: print what did go, then fail (exit 1) as the schedule's run would.
      if (e instanceof RemindFailedError) printRemind(e.result, o.config, log, outbox);
      throw e;
    }
    printRemind(r, o.config, log, outbox);
    return r;
  } finally {
    await pipeline.close();
  }
}

/** One line per mail (to whom, about which unit), then the units and cities nobody could remind. */
export function printRemind(r: RemindResult, config: Config, log: Log, outbox: string): void {
  if (r.outcome === 'not-reminder-day' || r.outcome === 'not-open') {
    log(`未催报：${r.message}${r.outcome === 'not-reminder-day' ? '。如确需今天催报，请加 --force' : ''}`);
    return;
  }
  const day = reminderDayOf(r.month, r.date, config);
  log(`== ${r.month} 催报（${r.date}${day ? `，截止前 ${day.daysBefore} 天` : '，非催报日（--force）'}）：未完成报送 ${r.missing.length} 个单位 ==`);
  r.mails.forEach((m) => {
    const who = m.kind === 'city' ? `${m.code} ${m.name}（市）` : `${m.code} ${m.name}`;
    const unit = r.missing.find((u) => u.code === m.code);
    const what = m.kind === 'city' ? `${r.missing.filter((u) => u.cityCode === m.code).length} 个单位未完成` : unit?.state === 'rejected' ? '报送未通过' : '未报送';
    const status = r.outcome === 'planned' ? '拟发送' : STATUS[m.status];
    log(`  ✉ ${padDisplay(who, 24)} ${padDisplay(what, 14)} → ${m.recipient}  ${status}${m.error ? `：${m.error}` : ''}`);
  });
  if (r.noContact.length) {
    const list = r.noContact.map((c) => (c.kind === 'city' ? `${c.code} ${c.name}（市，${c.missing} 个单位未完成）` : `${c.code} ${c.name}`));
    log(`  ! 无联系人，未能催报 ${r.noContact.length} 个（请在配置 contacts 中补充邮箱）：${list.slice(0, 20).join('、')}${list.length > 20 ? `……共 ${list.length} 个` : ''}`);
  }
  log(`  ${r.message}${r.outcome === 'reminded' && r.mails.some((m) => m.status === 'sent') ? `（写入 ${outbox}）` : ''}`);
}
