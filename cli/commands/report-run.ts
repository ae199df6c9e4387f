import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Config } from '../../functions/core/shared/config';
import { type ReportEvent, type ReportRefused, type ReportResult, ReportRefusedError } from '../../functions/report/report-month';
import { FORCE_HINT, RefusedError, UserError } from '../errors';
import { assertLocalStore } from './common';
import { localReporting, printReport, saveReportFiles } from '../local/reporting';
import { LocalPipeline } from '../local/runtime';

/** The stack output naming the report function (asked of the CDK stack; see README). */
export const REPORT_FUNCTION_OUTPUT = 'ReportFunctionName';

type Log = (line: string) => void;

/**
 * `tb report` on this machine: reopens the embedded store the last `tb run` / `npm start` left,
 * re-renders the month's editions into OUT/{month}/ and (with --send) mails through OUT/outbox.
 */
export async function reportLocal(opts: {
  event: ReportEvent;
  config: Config;
  out: string;
  dataDir: string;
  log?: Log;
}): Promise<ReportResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  assertLocalStore(opts.dataDir);
  const pipeline = await LocalPipeline.start({ dataDir: opts.dataDir, config: opts.config, fresh: false });
  const reporting = localReporting(pipeline, opts.config, join(opts.out, 'outbox'));
  try {
    let rep: ReportResult;
    try {
      rep = await reporting.report(opts.event);
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') throw new UserError(`${opts.event.month} 尚未计算（本地没有该月的 rates.json，请先用 tb run 处理该月台账）`);
      if (err instanceof ReportRefusedError) throw new RefusedError(`${err.message}。${FORCE_HINT}`);
      throw err;
    }
    const saved = await saveReportFiles(pipeline, rep, join(opts.out, opts.event.month));
    log(`== ${opts.event.month}：重新生成 ${rep.editions.length} 份通报 ==`);
    printReport(rep, saved, log);
    printMails(rep, log);
    return rep;
  } finally {
    await reporting.close();
    await pipeline.close();
  }
}

/** The deployed report function: `--function` as given, else the stack's output or its resources. */
export async function findReportFunction(cfn: CloudFormationClient, stack: string): Promise<string> {
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
  const s = described.Stacks?.[0];
  if (!s) throw new UserError(`找不到堆栈 ${stack}`);
  const output = s.Outputs?.find((o) => o.OutputKey === REPORT_FUNCTION_OUTPUT)?.OutputValue;
  if (output) return output;
  // Older stacks have no such output: find the one Lambda function whose logical id says Report.
  const resources: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack, NextToken: token }));
    resources.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token);
  const candidates = resources.filter(
    (r) => r.ResourceType === 'AWS::Lambda::Function' && /Report/i.test(r.LogicalResourceId ?? '') && r.PhysicalResourceId,
  );
  if (candidates.length !== 1) {
    const names = candidates.map((c) => c.LogicalResourceId).join(', ') || '无';
    throw new UserError(`无法在堆栈 ${stack} 中确定报告函数（输出 ${REPORT_FUNCTION_OUTPUT} 不存在；候选：${names}），请用 --function 指定`);
  }
  return candidates[0].PhysicalResourceId!;
}

/**
 * `tb report --stack NAME` / `--function NAME`: invokes the deployed report function synchronously
 * with `{ month, city?, send, force }` and returns its result. No retries: a retried invocation
 * would render (and possibly mail) twice; the send log would skip recipients, but not the work.
 */
export async function reportRemote(opts: {
  event: ReportEvent;
  stack?: string;
  functionName?: string;
  lambda: LambdaClient;
  cfn?: CloudFormationClient;
  log?: Log;
}): Promise<ReportResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let fn = opts.functionName;
  if (!fn) {
    if (!opts.stack || !opts.cfn) throw new UserError('需要 --stack 或 --function');
    fn = await findReportFunction(opts.cfn, opts.stack);
  }
  log(`调用报告函数 ${fn}（${opts.event.month}${opts.event.city ? `，${opts.event.city}` : ''}${opts.event.send ? '，发送邮件' : '，不发送邮件'}${opts.event.force ? '，强制重发' : ''}）…`);
  const res = await opts.lambda.send(
    new InvokeCommand({
      FunctionName: fn,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(opts.event)),
    }),
  );
  const text = res.Payload ? new TextDecoder().decode(res.Payload) : '';
  if (res.FunctionError) {
    let message = text;
    try {
      const e = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = `${e.errorType ?? 'Error'}: ${e.errorMessage ?? text}`;
    } catch {
      /* not JSON: print as is */
    }
    throw new Error(`报告函数执行失败（${res.FunctionError}）：${message}`);
  }
  if (res.StatusCode !== undefined && res.StatusCode !== 200) throw new Error(`报告函数调用失败：HTTP ${res.StatusCode}`);
  let rep: ReportResult;
  try {
    rep = JSON.parse(text) as ReportResult;
  } catch {
    throw new Error(`报告函数返回的不是 JSON：${text.slice(0, 200)}`);
  }
  // The function refused the month (no accepted upload): an answer, not a failure of the function.
  const refused = (rep as unknown as Partial<ReportRefused> | null)?.refused;
  if (refused && typeof refused.message === 'string') throw new RefusedError(`${refused.message}。${FORCE_HINT}`);
  if (!rep || !Array.isArray(rep.editions) || !Array.isArray(rep.mails)) throw new Error(`报告函数返回的结果格式不对：${text.slice(0, 200)}`);
  log(`== ${rep.month}：重新生成 ${rep.editions.length} 份通报 ==`);
  for (const e of rep.editions) log(`  ${e.name.padEnd(6, '　')} s3://…/${e.pdfKey}（${(e.pdfBytes / 1024).toFixed(0)} KB）`);
  printMails(rep, log);
  return rep;
}

const MAIL_STATUS: Record<ReportResult['mails'][number]['status'], string> = { sent: '已发送', skipped: '已跳过（此前已发送）', failed: '失败' };

function printMails(rep: ReportResult, log: Log): void {
  for (const m of rep.mails) {
    log(`  邮件 ${m.edition} → ${m.recipient}：${MAIL_STATUS[m.status]}${m.delivery === 'link' ? '（下载链接）' : ''}${m.error ? `：${m.error}` : ''}`);
  }
}

/** The command's work, once report.ts has checked its options (loaded only when it runs). */
/** `config`: the local run's (null for a deployed stack, which has its own). */
export async function runReport(o: { event: ReportEvent; stack?: string; functionName?: string; region?: string; config: Config | null; out: string; dataDir: string }): Promise<void> {
  if (o.stack || o.functionName) {
    const region = o.region ? { region: o.region } : {};
    // The report renders 20 PDFs and mails them: allow the function its whole timeout (15 min max).
    const lambda = new LambdaClient({ ...region, maxAttempts: 1, requestHandler: { requestTimeout: 15 * 60_000 } });
    const cfn = new CloudFormationClient(region);
    try {
      await reportRemote({ event: o.event, stack: o.stack, functionName: o.functionName, lambda, cfn });
    } finally {
      lambda.destroy();
      cfn.destroy();
    }
    return;
  }
  if (!o.config) throw new Error('a local report needs the pipeline configuration');
  await reportLocal({ event: o.event, config: o.config, out: o.out, dataDir: o.dataDir });
}
