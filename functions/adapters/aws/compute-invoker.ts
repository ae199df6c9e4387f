import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { MONTH_ACTION_LABEL, type Actor, type MonthAction } from '../../core/month/month-state';
import type { MonthActionResult, MonthActions, MonthStateStore } from '../../core/ports';

/**
 * The control panel's lock / publish / republish in AWS: the compute function runs them (it holds
 * the grants and the time a publish needs; the portal's function has 15 seconds), invoked
 * asynchronously with `{month, action, actor}` (functions/compute/compute-rates.ts ComputeEvent),
 * as the schedule invokes it. The answer is "accepted, running": the outcome is the month's state
 * and audit trail, which the panel reads again. A failed run goes to compute's async-failure queue
 * (and its alarm), as a scheduled one does.
 *
 * Async invocation payloads are at most 256 KB (Lambda's limit); this one is a few hundred bytes.
 */
export const ASYNC_PAYLOAD_MAX_BYTES = 256 * 1024;

export class ComputeInvoker implements MonthActions {
  constructor(
    readonly lambda: LambdaClient,
    readonly functionName: string,
    readonly months: Pick<MonthStateStore, 'getMonthState'>,
  ) {}

  async request(month: string, action: MonthAction, actor: Actor): Promise<MonthActionResult> {
    const payload = Buffer.from(JSON.stringify({ month, action, actor }), 'utf8');
    if (payload.byteLength > ASYNC_PAYLOAD_MAX_BYTES) throw new Error(`compute payload of ${payload.byteLength} bytes exceeds Lambda's async limit`);
    const res = await this.lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: payload }));
    // 202 Accepted is the only success of an Event invocation.
    if (res.StatusCode !== 202) throw new Error(`compute invocation answered ${res.StatusCode ?? 'nothing'} (expected 202)`);
    return {
      done: false,
      accepted: true,
      message: `已提交${MONTH_ACTION_LABEL[action]}请求（${month}），正在后台执行；请稍后刷新查看月份状态`,
      state: await this.months.getMonthState(month),
    };
  }
}
