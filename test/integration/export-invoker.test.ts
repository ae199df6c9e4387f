import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportInvoker } from '../../functions/adapters/aws/export-invoker';
import type { Pointer } from '../../functions/core/ingest/upload-order';

/**
 * Compute's export request in AWS: the real Lambda client on the wire, against a local HTTP
 * endpoint standing in for the Lambda service (it answers an Event invocation 202, as Lambda
 * does, or a fault). What arrives is what the export function's handler would receive.
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

/** 158 pointers as the table holds them (an S3 key with a Chinese file name each): the size of a real month's request. */
const pointers: Pointer[] = Array.from({ length: 158 }, (_, i) => ({
  unitCode: String(410100 + i),
  uploadId: i.toString(16).padStart(16, 'a'),
  order: `2026-11-02T08:00:00.000Z#${'0'.repeat(16)}${i.toString(16).padStart(16, '0')}`,
  key: `incoming/2026-10/${410100 + i}/${410100 + i}-某某县-三个一批项目台账（2026年10月）.xlsx`,
  projects: 120,
  updatedAt: '2026-11-02T08:00:01.000Z',
}));

describe('ExportInvoker', () => {
  it('invokes the export function asynchronously with {month, pointers}', async () => {
    await new ExportInvoker(client, 'tb-export').request({ month: '2026-10', pointers });
    expect(seen).toEqual([{ path: '/2015-03-31/functions/tb-export/invocations', invocationType: 'Event', body: { month: '2026-10', pointers } }]);
  });

  it('throws when Lambda refuses (compute logs it and goes on)', async () => {
    status = 429;
    await expect(new ExportInvoker(client, 'tb-export').request({ month: '2026-10', pointers })).rejects.toThrow();
    status = 202;
  });

  it('refuses a payload over the 256 KB async limit without sending it', async () => {
    seen.length = 0;
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...pointers[i % pointers.length]!, unitCode: String(i) }));
    await expect(new ExportInvoker(client, 'tb-export').request({ month: '2026-10', pointers: many })).rejects.toThrow(/超过 Lambda 异步调用的 256 KB 上限/);
    expect(seen).toEqual([]);
  });
});
