import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';

import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { logEvent } from '../../functions/adapters/log';
import { S3UploadBucket } from '../../functions/adapters/aws/upload-bucket';
import { s3Presigner } from '../../functions/adapters/aws/presign';
import { createPortal } from '../../functions/api/portal';
import { createReviewNotice } from '../../functions/api/review-notice';
import { DEFAULT_OUTBOX_DIR, buildMimeMessage, mailerFromEnv } from '../../functions/adapters/mail/mailer';
import { reviewMailTemplate } from '../../functions/adapters/render/review-mail';
import { localMonthActions } from '../local/month-actions';
import { localReporting } from '../local/reporting';
import type { Config } from '../../functions/core/shared/config';
import { division } from '../../functions/core/shared/divisions';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { type UploadSettings, uploadSettings } from '../../functions/core/portal/upload-request';
import { REPO_ROOT } from '../repo-root';
import { type LocalHttpServer, startHttpServer } from '../local/http-server';
import { LOCAL_POST_PREFIX, createPostGateway } from '../local/post-gateway';
import { LocalPipeline } from '../local/runtime';
import { buildWebAssets } from '../local/web-build';
import { dataPaths, loadProgramConfig, logToFile } from './common';

/**
 * `tb serve`: the upload portal on one machine. The embedded S3/DynamoDB and the ingest wiring
 * of the local runtime, the portal's API handler behind a local HTTP server on 127.0.0.1 (as API
 * Gateway in AWS), and a local S3 POST endpoint that enforces the presigned POST policy before
 * handing the upload to s3rver (which does not check policies itself).
 */
export interface ServeOptions {
  config: Config;
  /** Embedded store folder (default `.data/store`), reopened unless `fresh`. */
  dataDir?: string;
  fresh?: boolean;
  /** 0 = any free port. */
  port?: number;
  /** Clock for the portal (which months are open, token expiry) and the pipeline behind it (receipts, audit, the bulletin's date). */
  now?: () => Date;
  /** Issue a demo token for this unit, one for its city office and a province token at start (null: none). */
  demoUnit?: string | null;
  upload?: Partial<UploadSettings>;
  /** Repository root (for the page's sources). */
  root?: string;
  onReceipt?: (r: Receipt) => void;
  /** Serve `/download` bulletin links signed with this secret (as the deployed portal does). */
  linkSecret?: string;
  /** Where receipt and review mails and the bulletins of a publish from the control panel go (default out/outbox; SMTP too when SMTP_URL is set). */
  outbox?: string;
  /** Mail the bulletin when the control panel publishes (default true, as the schedule does). */
  send?: boolean;
}

export interface Serve {
  url: string;
  tokens: { unit: string; city: string; province: string } | null;
  pipeline: LocalPipeline;
  http: LocalHttpServer;
  close(): Promise<void>;
}

/** Written while `tb serve` runs, so `tb tokens` can reach its store instead of opening it twice. */
export const SERVE_INFO_FILE = 'serve.json';

export interface ServeInfo {
  pid: number;
  url: string;
  dynamoEndpoint: string;
  table: string;
}

export async function startServe(opts: ServeOptions): Promise<Serve> {
  const dataDir = resolve(opts.dataDir ?? '.data/store');
  const outbox = opts.outbox ?? DEFAULT_OUTBOX_DIR;
  // Receipt mails of the portal's uploads go to the same outbox as review mails and bulletins.
  const now = opts.now ?? (() => new Date());
  const pipeline = await LocalPipeline.start({ dataDir, config: opts.config, fresh: opts.fresh ?? false, onReceipt: opts.onReceipt, outbox, now });
  let reporting: ReturnType<typeof localReporting> | null = null;
  try {
    const settings = uploadSettings(opts.config, opts.upload);
    const bucket = pipeline.servers.buckets.raw;
    const tokens = new TokenRepository(pipeline.doc, pipeline.servers.table);
    const mailer = mailerFromEnv(outbox);
    // The control panel's lock / publish / republish run here, as `tb lock|publish|republish` do.
    reporting = localReporting(pipeline, opts.config, outbox);
    const api = createPortal({
      tokens,
      uploads: new S3UploadBucket(pipeline.s3, bucket, { postUrl: `${LOCAL_POST_PREFIX}/${bucket}` }),
      repo: pipeline.repo,
      assets: await buildWebAssets(opts.root ?? REPO_ROOT),
      settings,
      deadline: opts.config.deadline,
      now,
      months: pipeline.months,
      ledger: pipeline.repo,
      monthActions: localMonthActions(pipeline, reporting, { send: opts.send ?? true }),
      reviewNotice: createReviewNotice({ sendLog: pipeline.repo, config: opts.config, composeMime: buildMimeMessage, mailer, template: reviewMailTemplate, now }),
      review: opts.config.review,
      reports: { store: pipeline.store, bucket: pipeline.servers.buckets.reports },
      ...(opts.linkSecret
        ? {
            downloads: {
              secret: async () => opts.linkSecret!,
              presign: async (key: string) => (await s3Presigner(pipeline.s3)(pipeline.servers.buckets.reports, key, 300)).url,
            },
          }
        : {}),
    });
    const post = createPostGateway({
      s3Endpoint: pipeline.servers.s3Endpoint,
      // The keys the portal's presigner signs with (never s3rver's public S3RVER pair).
      credentials: async () => pipeline.servers.credentials,
      region: await pipeline.s3.config.region(),
      maxBodyBytes: settings.maxBytes + 1024 * 1024,
      now,
    });
    const http = await startHttpServer({ api, post, port: opts.port ?? 8787 });

    let demo: Serve['tokens'] = null;
    if (opts.demoUnit !== null) {
      const unit = await tokens.issue({ role: 'unit', unitCode: opts.demoUnit ?? '411102', label: 'tb serve 演示', now: now() });
      const city = await tokens.issue({ role: 'city', cityCode: division(unit.record.unitCode!)!.cityCode, label: 'tb serve 演示', now: now() });
      const province = await tokens.issue({ role: 'province', label: 'tb serve 演示', now: now() });
      demo = { unit: unit.token, city: city.token, province: province.token };
    }

    const infoFile = join(dataDir, SERVE_INFO_FILE);
    const info: ServeInfo = { pid: process.pid, url: http.url, dynamoEndpoint: pipeline.servers.dynamoEndpoint, table: pipeline.servers.table };
    writeFileSync(infoFile, JSON.stringify(info, null, 2));

    return {
      url: http.url,
      tokens: demo,
      pipeline,
      http,
      async close() {
        rmSync(infoFile, { force: true });
        await http.close();
        await reporting?.close();
        await pipeline.close();
      },
    };
  } catch (e) {
    await reporting?.close().catch(() => undefined);
    await pipeline.close().catch(() => undefined);
    throw e;
  }
}

/** `tb serve`, its options checked (serve.ts): runs until SIGINT or SIGTERM, then stops every server. */
export async function serveCommand(program: Command, o: { port: number; fresh: boolean; unit: string }): Promise<void> {
  const config = loadProgramConfig(program);
  logToFile(program);
  const { store, log } = dataPaths(program);
  const serve = await startServe({
    config,
    dataDir: store,
    port: o.port,
    fresh: o.fresh,
    demoUnit: o.unit,
    onReceipt: (r) => console.log(`  ${r.status === 'accepted' ? '✓' : r.status === 'rejected' ? '✗' : '·'} ${r.unitCode ?? '——'} ${r.summary}`),
  });
  console.log(`\n上传门户已启动：${serve.url}/`);
  if (serve.tokens) {
    console.log(`\n演示令牌（只显示这一次）：`);
    console.log(`  报送单位 ${o.unit}：${serve.tokens.unit}`);
    console.log(`  ${division(division(o.unit)!.cityCode)!.name}（市级审核）：${serve.tokens.city}`);
    console.log(`  省专班（报送情况、月度控制面板）：${serve.tokens.province}`);
  }
  console.log(`\n更多令牌：npx tb tokens issue --unit 411103 | --city 411100 | --province（本服务运行时也可执行）`);
  console.log(`按 Ctrl+C 停止。数据保存在 ${store}，日志在 ${log}。\n`);
  // Whichever signal comes first (Ctrl+C, or `kill` / a process manager's SIGTERM, also through
  // npx): close the HTTP server and both embedded servers, then exit; a second signal exits at once.
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${why}，正在停止…`);
    serve.close().then(
      () => process.exit(0),
      (e) => {
        console.error(`停止时出错：${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(`收到 ${signal}`));
  // A promise some request left rejected must not end the server for everyone (Node's default):
  // it goes to the pipeline log. (The known sources answer their request themselves.)
  process.on('unhandledRejection', (reason) => {
    logEvent('unhandled rejection in tb serve (still serving)', { error: String((reason as Error)?.stack ?? reason) }, 'error');
  });
  // Started through npx, a SIGTERM goes to npm, which exits without passing it on: this process is
  // then re-parented. Noticing that is the only way to stop with it instead of keeping the ports.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('启动本服务的进程（如 npx）已退出');
  }, 1000).unref();
}
