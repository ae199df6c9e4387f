/**
 * `tb serve` stops cleanly on SIGINT and SIGTERM: the HTTP server and both embedded servers close,
 * the process exits 0, and no port stays open.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tbCommand } from '../helpers/cli';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function serveAndStop(signal: NodeJS.Signals) {
  const cwd = mkdtempSync(join(tmpdir(), 'tb-serve-sig-'));
  const [cmd, args] = tbCommand(['serve', '--port', '0', '--fresh']);
  const child = spawn(cmd, args, { cwd, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += String(d);
      const m = /上传门户已启动：(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`tb serve exited early (${code}): ${stdout}`)));
  });
  const port = Number(new URL(url).port);
  expect(await portOpen(port)).toBe(true);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  expect(await exited).toBe(0);
  expect(stdout).toContain(`收到 ${signal}，正在停止`);
  expect(await portOpen(port)).toBe(false);
}

describe('tb serve stops on a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: every server closed, exit 0, the port free', (signal) => serveAndStop(signal));
});
