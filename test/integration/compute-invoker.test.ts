import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeInvoker } from '../../functions/adapters/aws/compute-invoker';
import { openState } from '../../functions/core/month/month-state';

/**
 * The control panel's month actions in AWS: the real Lambda client on the wire, against a local
 * HTTP endpoint standing in for the Lambda service (it answers an Event invocation 202, as Lambda
 * does, or a fault). What arrives is what compute's handler would receive.
 */
interface Seen {
  path: string;
  invocationType: string | undefined;
  body: unknown;
}
const seen: Seen[] = [];
let status = 202;
let server: ReturnType<typeof createServer>;
let client: LambdaClient;

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ path: req.url ?? '', invocationType: req.headers['x-amz-invocation-type'] as string | undefined, body: JSON.parse(await read(req)) });
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'req-1' });
    res.end(status === 202 ? '' : JSON.stringify({ Type: 'User', message: 'Rate exceeded' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  client = new LambdaClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((r) => server?.close(r));
});

const months = { getMonthState: async (m: string) => openState(m) };

describe('ComputeInvoker', () => {
  it('invokes compute asynchronously with {month, action, actor} and answers "accepted, running"', async () => {
    const invoker = new ComputeInvoker(client, 'tb-compute', months);
    const r = await invoker.request('2026-10', 'publish', { kind: 'token', id: 'p-token-id' });
    expect(seen).toEqual([{ path: '/2015-03-31/functions/tb-compute/invocations', invocationType: 'Event', body: { month: '2026-10', action: 'publish', actor: { kind: 'token', id: 'p-token-id' } } }]);
    expect(r).toMatchObject({ done: false, accepted: true, state: { status: 'open' } });
    expect(r.message).toBe('已提交发布请求（2026-10），正在后台执行；请稍后刷新查看月份状态');
  });

  it('throws when Lambda refuses (the portal answers 500 and the month is unchanged)', async () => {
    status = 429;
    await expect(new ComputeInvoker(client, 'tb-compute', months).request('2026-10', 'lock', { kind: 'token', id: 'x' })).rejects.toThrow();
    status = 202;
  });
});
