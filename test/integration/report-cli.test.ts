/**
 * `tb report`: locally for real (the store a `tb run` left, reopened), and against a deployed stack
 * with the AWS SDK mocked (CloudFormation to find the function, Lambda to invoke it).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findReportFunction, reportLocal, reportRemote } from '../../cli/commands/report-run';
import { RefusedError } from '../../cli/errors';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';

import type { ReportResult } from '../../functions/report/report-month';
import { runTb } from '../helpers/cli';
import { ledgerTable, xlsx } from '../helpers/files';
import { objectKeys } from '../../functions/core/shared/storage-keys';

setLogSink(() => {});

const MONTH = '2026-10';
const config = parseConfig({ mail: { province: ['p@example.gov.cn'], cities: { '411100': ['luohe@example.gov.cn'] } } });

describe('tb report, locally', () => {
  let root: string;
  let dataDir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tb-report-cli-'));
    dataDir = join(root, 'store');
    // What `tb run` leaves behind: a computed month in the embedded store.
    const p = await LocalPipeline.start({ dataDir, config });
    for (const unit of ['411102', '411103']) await p.upload(objectKeys.upload(MONTH, unit, `${unit}.xlsx`), await xlsx(ledgerTable(unit, 8)));
    await p.drain();
    await p.compute({ month: MONTH });
    await p.close();
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reopens the store, re-renders one edition into OUT and mails it; a second run skips, --force resends', async () => {
    const out = join(root, 'out');
    const lines: string[] = [];
    const rep = await reportLocal({ event: { month: MONTH, city: '411100', send: true }, config, out, dataDir, log: (l) => lines.push(l) });
    expect(rep.editions.map((e) => e.edition)).toEqual(['411100']);
    expect(existsSync(join(out, MONTH, `bulletin-${MONTH}-411100.pdf`))).toBe(true);
    expect(existsSync(join(out, MONTH, `bulletin-${MONTH}-411100.html`))).toBe(true);
    expect(readdirSync(join(out, 'outbox'))).toEqual(['2026-10-411100-luohe_example.gov.cn.eml']);
    expect(lines.join('\n')).toContain(`漯河市分册 PDF：${join(out, MONTH, `bulletin-${MONTH}-411100.pdf`)}`);
    expect(lines.join('\n')).toContain('邮件 411100 → luohe@example.gov.cn：已发送');

    const again = await reportLocal({ event: { month: MONTH, city: '411100', send: true }, config, out, dataDir, log: (l) => lines.push(l) });
    expect(again.mails.map((m) => m.status)).toEqual(['skipped']);
    const forced = await reportLocal({ event: { month: MONTH, city: '411100', send: true, force: true }, config, out, dataDir, log: () => {} });
    expect(forced.mails.map((m) => m.status)).toEqual(['sent']);
    // the forced resend is a second message in the outbox: the first is kept, as a mailbox would
    expect(readdirSync(join(out, 'outbox')).sort()).toEqual(['2026-10-411100-luohe_example.gov.cn-2.eml', '2026-10-411100-luohe_example.gov.cn.eml']);
  });

  it('says what is missing: a month never computed, a store never created', async () => {
    const out = join(root, 'out2');
    await expect(reportLocal({ event: { month: '2026-08' }, config, out, dataDir, log: () => {} })).rejects.toThrow('2026-08 尚未计算');
    await expect(reportLocal({ event: { month: MONTH }, config, out, dataDir: join(root, 'nope'), log: () => {} })).rejects.toThrow(/本地数据不存在/);
  });

  it('as a command: re-renders every edition and prints where they are', async () => {
    const out = join(root, 'out3');
    // --data-dir names the data folder; the store is its store/ (dataDir here).
    const { stdout } = await runTb(['report', '--month', MONTH, '--data-dir', root, '--out', out, '--no-send'], root);
    expect(stdout).toContain('重新生成 20 份通报');
    expect(stdout).toContain(`通报 PDF：${join(out, MONTH, `bulletin-${MONTH}.pdf`)}`);
    expect(stdout).toContain('各市分册 PDF：19 份');
    expect(readdirSync(join(out, MONTH)).filter((f) => f.endsWith('.pdf'))).toHaveLength(20);
    expect(existsSync(join(out, 'outbox')) ? readdirSync(join(out, 'outbox')) : []).toEqual([]);
  });

  it('every operator mistake: one line saying what is wrong and what to do, exit 2, no stack trace (unless --verbose)', async () => {
    const fail = (args: string[], cwd = root) =>
      runTb(args, cwd).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    writeFileSync(join(root, 'bad.json'), '{"grades":{"green":7},"mail":{"from":""}}');
    writeFileSync(join(root, 'broken.json'), '{"grades":');
    mkdirSync(join(root, 'empty'), { recursive: true });
    mkdirSync(join(root, 'months', 'October'), { recursive: true });
    const cases: Array<[string[], string]> = [
      [['report', '--month', '2026/10'], '月份格式应为 YYYY-MM'],
      [['report', '--month', '2026-13'], '月份格式应为 YYYY-MM'],
      [['report', '--month', MONTH, '--city', '999999', '--data-dir', root], '--city 应为省辖市（示范区）代码'],
      [['report', '--month', '2026-08', '--data-dir', root], '2026-08 尚未计算'],
      [['report', '--month', MONTH, '--data-dir', join(root, 'nowhere')], '本地数据不存在'],
      [['--config', join(root, 'missing.json'), 'report', '--month', MONTH, '--data-dir', root], '配置文件不存在'],
      [['--config', join(root, 'bad.json'), 'report', '--month', MONTH, '--data-dir', root], 'grades.green'],
      [['--config', join(root, 'broken.json'), 'report', '--month', MONTH, '--data-dir', root], '不是有效的 JSON'],
      [['run', '--input', join(root, 'no-such-folder')], '输入文件夹不存在'],
      [['run', '--input', join(root, 'empty')], '中没有月份文件夹'],
      [['run', '--input', join(root, 'months')], '中没有月份文件夹'],
      [['run', '--input', join(root, 'months'), '--uploaded-at', 'yesterday'], '--uploaded-at 应为 on-time 或带时区的时间'],
      [['run', '--input', join(root, 'months'), '--uploaded-at', '2026-11-31T09:00:00+08:00'], '--uploaded-at 应为 on-time'],
      [['serve', '--unit', '999999'], '--unit 应为报送单位代码'],
    ];
    for (const [args, says] of cases) {
      const { code, stderr } = await fail(args);
      const lines = stderr.trim().split('\n');
      expect(code, args.join(' ')).toBe(2);
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(/^错误：/);
      expect(lines[0], args.join(' ')).toContain(says);
    }
    // the config's several bad fields, on the one line
    expect((await fail(['--config', join(root, 'bad.json'), 'report', '--month', MONTH])).stderr).toMatch(/grades\.green.*；.*mail\.from/);
    // --verbose adds the stack
    const verbose = await fail(['--verbose', 'report', '--month', '2026-13']);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

describe('tb report --stack / --function (deployed)', () => {
  const cfn = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  afterEach(() => {
    cfn.reset();
    lambda.reset();
  });

  const result: ReportResult = {
    month: MONTH,
    pdfKey: `reports/${MONTH}/bulletin-${MONTH}-411100.pdf`,
    htmlKey: `reports/${MONTH}/bulletin-${MONTH}-411100.html`,
    pdfBytes: 123456,
    editions: [{ edition: '411100', name: '漯河市', pdfKey: `reports/${MONTH}/bulletin-${MONTH}-411100.pdf`, htmlKey: 'x', pdfBytes: 123456 }],
    mails: [{ edition: '411100', recipient: 'luohe@example.gov.cn', status: 'sent', messageId: 'ses-1', delivery: 'attachment' }],
  };
  const payload = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
  const clients = () => ({ lambda: new LambdaClient({ region: 'cn-north-1' }), cfn: new CloudFormationClient({ region: 'cn-north-1' }) });

  it('finds the function from the stack output and invokes it synchronously with { month, city, send, force }', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'ThreeBatches', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'ReportFunctionName', OutputValue: 'ThreeBatches-Report-abc' }] }] });
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(result) as never });
    const lines: string[] = [];
    const rep = await reportRemote({ event: { month: MONTH, city: '411100', send: true, force: false }, stack: 'ThreeBatches', ...clients(), log: (l) => lines.push(l) });
    expect(rep).toEqual(result);
    const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input.FunctionName).toBe('ThreeBatches-Report-abc');
    expect(input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({ month: MONTH, city: '411100', send: true, force: false });
    expect(cfn.commandCalls(ListStackResourcesCommand)).toHaveLength(0);
    expect(lines.join('\n')).toContain('邮件 411100 → luohe@example.gov.cn：已发送');
    expect(lines.join('\n')).toContain(`reports/${MONTH}/bulletin-${MONTH}-411100.pdf`);
  });

  it('without the output: the one Lambda function of the stack whose logical id says Report', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    const fn = (id: string, type = 'AWS::Lambda::Function') => ({ LogicalResourceId: id, PhysicalResourceId: `S-${id}`, ResourceType: type, LastUpdatedTimestamp: new Date(), ResourceStatus: 'CREATE_COMPLETE' as const });
    cfn
      .on(ListStackResourcesCommand, { StackName: 'S', NextToken: undefined })
      .resolves({ StackResourceSummaries: [fn('FunctionsComputeFunctionAB12'), fn('FunctionsReportRoleCD34', 'AWS::IAM::Role')], NextToken: 'page2' })
      .on(ListStackResourcesCommand, { StackName: 'S', NextToken: 'page2' })
      .resolves({ StackResourceSummaries: [fn('FunctionsReportFunctionEF56')] });
    expect(await findReportFunction(new CloudFormationClient({ region: 'cn-north-1' }), 'S')).toBe('S-FunctionsReportFunctionEF56');

    cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [fn('ReportA'), fn('ReportB')] });
    await expect(findReportFunction(new CloudFormationClient({ region: 'cn-north-1' }), 'S')).rejects.toThrow(/请用 --function 指定/);
  });

  it('--function skips CloudFormation', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(result) as never });
    await reportRemote({ event: { month: MONTH, send: false }, functionName: 'my-report', ...clients(), log: () => {} });
    expect(cfn.calls()).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('my-report');
  });

  it('says the function refused a month with no accepted upload (its answer, not its failure)', async () => {
    const message = `${MONTH} 没有任何单位的台账被接收（0/158：158 个单位均未报送）：不生成、不发送通报`;
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ month: MONTH, refused: { code: 'no-accepted-upload', month: MONTH, accepted: 0, reportingUnits: 158, rejected: 0, unreported: 158, message } }) as never,
    });
    const refused = reportRemote({ event: { month: MONTH, send: true }, functionName: 'f', ...clients(), log: () => {} });
    await expect(refused).rejects.toBeInstanceOf(RefusedError);
    await expect(refused).rejects.toThrow(`${message}。如确需发布，请加 --force`);
  });

  it('reports the function\'s own error, and a result of the wrong shape', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'Error', errorMessage: 'Bulletin mail failed for 411100/luohe@example.gov.cn (throttled)' }) as never,
    });
    await expect(reportRemote({ event: { month: MONTH }, functionName: 'f', ...clients(), log: () => {} })).rejects.toThrow(
      '报告函数执行失败（Unhandled）：Error: Bulletin mail failed for 411100/luohe@example.gov.cn (throttled)',
    );
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ hello: 1 }) as never });
    await expect(reportRemote({ event: { month: MONTH }, functionName: 'f', ...clients(), log: () => {} })).rejects.toThrow(/结果格式不对/);
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('<html>') as never });
    await expect(reportRemote({ event: { month: MONTH }, functionName: 'f', ...clients(), log: () => {} })).rejects.toThrow(/不是 JSON/);
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
    await expect(reportRemote({ event: { month: MONTH }, stack: 'Nope', ...clients(), log: () => {} })).rejects.toThrow('找不到堆栈 Nope');
  });
});
