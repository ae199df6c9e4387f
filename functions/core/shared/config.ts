import { z } from 'zod';

/**
 * Pipeline configuration. One JSON document (`tb.config.json` at the repo root) feeds both the
 * local runtime and the CDK app, which hands it to every Lambda as the `TB_CONFIG` variable.
 * Recipients, sender, thresholds and weights live here, never in code.
 */
const emails = z.array(z.string().email());

export const ConfigSchema = z.object({
  /** 落地 means status ≥ 已落地 (`landed`, default) or status ≥ 已开工 (`started`). */
  landingCriterion: z.enum(['landed', 'started']).default('landed'),
  grades: z
    .object({
      /** Count rates: green ≥ green, yellow ≥ yellow, red below. */
      green: z.number().min(0).max(1).default(0.75),
      yellow: z.number().min(0).max(1).default(0.5),
      /** 投资完成率: yellow when below 时序进度 by less than this many fraction points, red otherwise. */
      investmentRedGap: z.number().min(0).max(1).default(0.1),
    })
    .default({}),
  /** 综合得分 weights (评价办法 core weights by default). */
  scoreWeights: z
    .object({
      signingLanding: z.number().min(0).default(30),
      start: z.number().min(0).default(30),
      investmentCompletion: z.number().min(0).default(0),
      production: z.number().min(0).default(20),
      efficiency: z.number().min(0).default(20),
    })
    .default({}),
  /**
   * 年度考评 (docs/metrics.md, "年度考评"; core/evaluation/): the year's scoring over the months'
   * rates.json. `weights` default to `scoreWeights` (the 评价办法's core weights) when absent.
   */
  evaluation: z
    .object({
      weights: z
        .object({
          signingLanding: z.number().min(0),
          start: z.number().min(0),
          investmentCompletion: z.number().min(0),
          production: z.number().min(0),
          efficiency: z.number().min(0),
        })
        .optional(),
      /**
       * 重点领域项目: a row whose 产业类别 contains one of `keywords` counts 1 + `extraWeight` times in
       * every count and money sum of the rates (0: no extra weight, and no ledger is read).
       */
      keyIndustries: z
        .object({
          keywords: z.array(z.string().trim().min(1)).default(['先进制造', '战略性新兴产业', '两新一重', '新型基础设施', '新型城镇化']),
          extraWeight: z.number().min(0).max(10).default(0.5),
        })
        .default({}),
      /** A month a unit did not report: its rates count 0 (`zero`), or the month is left out of its means (`skip`). */
      unreportedMonths: z.enum(['zero', 'skip']).default('zero'),
    })
    .default({}),
  ingest: z
    .object({
      maxRows: z.number().int().positive().default(20_000),
      maxBytes: z.number().int().positive().default(20 * 1024 * 1024),
    })
    .default({}),
  upload: z
    .object({
      /** Months open for upload, counting back from the reporting month (the month before now). */
      openMonths: z.number().int().min(1).max(12).default(2),
      /** Lifetime of a presigned upload POST. */
      postExpiresSeconds: z.number().int().min(60).max(3600).default(900),
    })
    .default({}),
  /**
   * 报送截止时间: a month's ledger is due on `dayOfNextMonth` of the next month at `hour:minute`,
   * Asia/Shanghai (default the 3rd, 18:00). An accepted upload whose S3 event time is at or before
   * it is 按时报送, after it 逾期报送 (functions/core/shared/deadline.ts, docs/metrics.md).
   */
  deadline: z
    .object({
      dayOfNextMonth: z.number().int().min(1).max(28).default(3),
      hour: z.number().int().min(0).max(23).default(18),
      minute: z.number().int().min(0).max(59).default(0),
    })
    .default({}),
  /**
   * Who is written to about their own reporting (催报, receipts, review results): code of a
   * reporting unit or of a city office → addresses. Not the bulletin's recipients (`mail`).
   */
  contacts: z.record(z.string().regex(/^\d{6}$/), emails).default({}),
  /** 催报: mails before the deadline to units without an accepted upload, and to their city offices. */
  reminders: z
    .object({
      /** Days before the deadline on which reminders go (09:00 Asia/Shanghai), e.g. [3, 1]. */
      daysBefore: z.array(z.number().int().min(0).max(27)).default([3, 1]),
      hour: z.number().int().min(0).max(23).default(9),
      /** Mail the unit's contact every receipt (accepted with warnings, or rejected with every error). */
      receiptMail: z.boolean().default(true),
    })
    .default({}),
  /** City review (审核) and 不予认定 (core/review/review.ts, docs/metrics.md). */
  review: z
    .object({
      /** The lock refuses while a county's current upload is not yet 审核通过 by its city. */
      requiredBeforeLock: z.boolean().default(false),
      /** 不予认定 projects still count in the denominators (true) or in nothing (false). */
      unrecognizedInDenominator: z.boolean().default(true),
    })
    .default({}),
  /** The portal's public address, for links in reminder and receipt mails (none: no link). */
  portalUrl: z.string().url().nullable().default(null),
  bulletin: z
    .object({
      issuer: z.string().min(1).default('河南省“三个一批”项目建设活动领导小组办公室'),
      /** 期号 of `issueBaseMonth`; later months count up from it. */
      issueBase: z.number().int().positive().default(1),
      issueBaseMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).default('2026-01'),
      /** 三、预警 lists rates that fell by more than this many fraction points (0.05 = 5 个百分点). */
      fallThreshold: z.number().min(0).max(1).default(0.05),
      /** 四、数据质量: findings listed before "另有 N 条" — province bulletin, city edition. */
      qualityLimitProvince: z.number().int().min(0).default(30),
      qualityLimitCity: z.number().int().min(0).default(60),
    })
    .default({}),
  mail: z
    .object({
      from: z.string().min(3).default('三个一批专班 <bulletin@example.gov.cn>'),
      /** Recipients of the province bulletin. */
      province: emails.default([]),
      /** City code → recipients of that city's edition. */
      cities: z.record(z.string().regex(/^\d{6}$/), emails).default({}),
      /** Above this size the PDF goes as a presigned link instead of an attachment. */
      attachLimitBytes: z.number().int().positive().default(7 * 1024 * 1024),
    })
    .default({}),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Parses a config object (throws a readable error listing every bad field). */
export function parseConfig(input: unknown): Config {
  const result = ConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`配置有误 (invalid configuration):\n${lines.join('\n')}`);
  }
  return result.data;
}

export const DEFAULT_CONFIG: Config = parseConfig({});
