import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CuratedExports, ExportRequest } from '../../core/ports';
import { correlationId } from '../lambda';
import { ASYNC_PAYLOAD_MAX_BYTES } from './compute-invoker';

/**
 * Compute's request for the month's curated copy in AWS: the export function
 * (functions/export/handler.ts) invoked asynchronously with `{month, pointers}`, so compute (and
 * the bulletin after it) does not wait for the Parquet. Lambda retries a failed export and then
 * puts the event on the async-failure queue (its alarm), as for compute and report.
 *
 * The payload is the pointers computed on: ~160 small objects, some 40 KB, well under the 256 KB
 * async limit; a larger one is refused here rather than by Lambda.
 */
export class ExportInvoker implements CuratedExports {
  constructor(
    readonly lambda: LambdaClient,
    readonly functionName: string,
  ) {}

  async request(req: ExportRequest): Promise<void> {
    // The correlation id carries compute's run on into the export's log lines.
    const payload = Buffer.from(JSON.stringify({ month: req.month, pointers: req.pointers, correlationId: correlationId() }), 'utf8');
    if (payload.byteLength > ASYNC_PAYLOAD_MAX_BYTES) throw new Error(`导出请求 ${payload.byteLength} 字节，超过 Lambda 异步调用的 ${ASYNC_PAYLOAD_MAX_BYTES / 1024} KB 上限`);
    const res = await this.lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: payload }));
    // 202 Accepted is the only success of an Event invocation.
    if (res.StatusCode !== 202) throw new Error(`导出函数 ${this.functionName} 的异步调用返回 ${res.StatusCode ?? '空'}（应为 202）`);
  }
}
