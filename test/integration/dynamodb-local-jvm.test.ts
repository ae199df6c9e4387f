/**
 * The DynamoDB Local launcher (cli/local/dynamodb.ts), whatever TB_DYNAMODB says: the JVM answers
 * on loopback, keeps its tables on disk across a restart, and never outlives the node process that
 * started it — neither close() nor a SIGKILL of that process leaves it running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoBackend, startJvmDynamo } from '../../cli/local/dynamodb';
import { REPO_ROOT } from '../../infra/settings';

const root = mkdtempSync(join(tmpdir(), 'tb-jvm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const client = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
async function tables(endpoint: string): Promise<string[]> {
  const c = client(endpoint);
  try {
    return (await c.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    c.destroy();
  }
}
/** Whether anything still answers at `endpoint`, asked until it stops (bounded: 60 s, for a busy machine). */
async function goneWithin(endpoint: string): Promise<boolean> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (!(await tables(endpoint).then(() => true, () => false))) return true;
  }
  return false;
}

describe('DynamoDB Local, started by the local runtime', () => {
  it('answers on loopback, keeps its tables on disk across a restart, and close() ends it', async () => {
    const dbPath = join(root, 'restart');
    const first = await startJvmDynamo(dbPath);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = client(first.endpoint);
    await c.send(new CreateTableCommand({ TableName: 'kept', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }] }));
    c.destroy();
    await first.close();
    await expect(tables(first.endpoint)).rejects.toThrow();

    const second = await startJvmDynamo(dbPath);
    try {
      expect(await tables(second.endpoint)).toEqual(['kept']);
    } finally {
      await second.close();
    }
  });

  it('ends with the node process that started it, even one killed with SIGKILL', async () => {
    // tsx as a loader in this one process (its CLI would run the script in a child of its own,
    // which a SIGKILL of the CLI leaves running: a node process still there, and its JVM rightly too).
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/jvm-dynamo-child.ts'), join(root, 'orphan')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const endpoint = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before DynamoDB Local answered`)));
    });
    expect(await tables(endpoint)).toEqual([]);
    child.kill('SIGKILL');
    expect(await goneWithin(endpoint)).toBe(true);
  });

  it('is what TB_DYNAMODB=local selects; dynalite otherwise; anything else is the operator’s mistake', () => {
    expect(dynamoBackend({ TB_DYNAMODB: 'local' })).toBe('local');
    expect(dynamoBackend({})).toBe('dynalite');
    expect(dynamoBackend({ TB_DYNAMODB: 'dynalite' })).toBe('dynalite');
    expect(() => dynamoBackend({ TB_DYNAMODB: 'aws' })).toThrow(/TB_DYNAMODB=aws：未知的本地 DynamoDB/);
  });
});
