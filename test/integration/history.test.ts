import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import type { RatesDoc, UnitResult } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ledgerRow, ledgerTable, xlsx } from '../helpers/files';
import { barePortal } from '../helpers/portal';

/**
 * GET /history (本年各月) through `tb serve`'s HTTP server on the embedded servers: two months
 * computed by the real compute on uploads ingested by the real ingest, then the figures each token
 * gets compared with the months' rates.json.
 *
 * September: 源汇区 (411102) and 郾城区 (411103). October: both again (源汇区 with every project
 * 已开工) and 中原区 (410102, 郑州). January … August were never computed.
 */
setLogSink(() => {});

const NOW = new Date('2026-11-05T02:00:00Z'); // Shanghai 2026-11-05: the reporting month is 2026-10

let serve: Serve;
let tokens: TokenRepository;
let unit: string; // 411102 源汇区
let city: string; // 411100 漯河市
let province: string;
const docs: Record<string, RatesDoc> = {};

type Json = Record<string, any>;

async function get(path: string, token: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${serve.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Json };
}

async function upload(month: string, unitCode: string, bytes: Uint8Array) {
  await serve.pipeline.upload(`incoming/${month}/${unitCode}/0123456789abcdef-${unitCode}.xlsx`, bytes);
  const { receipts } = await serve.pipeline.drain();
  expect(receipts.map((r) => r.status)).toEqual(['accepted']);
}

beforeAll(async () => {
  serve = await startServe({ config: parseConfig({}), dataDir: mkdtempSync(join(tmpdir(), 'tb-history-')), fresh: true, port: 0, now: () => NOW, demoUnit: null });
  tokens = new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table);
  unit = (await tokens.issue({ role: 'unit', unitCode: '411102', now: NOW })).token;
  city = (await tokens.issue({ role: 'city', cityCode: '411100', now: NOW })).token;
  province = (await tokens.issue({ role: 'province', now: NOW })).token;

  await upload('2026-09', '411102', await xlsx(ledgerTable('411102', 6)));
  await upload('2026-09', '411103', await xlsx(ledgerTable('411103', 4)));
  const started = [ledgerTable('411102', 6)[0]!, ...Array.from({ length: 6 }, (_, i) => ledgerRow('411102', i + 1, { 4: '已开工' }))];
  await upload('2026-10', '411102', await xlsx(started));
  await upload('2026-10', '411103', await xlsx(ledgerTable('411103', 4)));
  await upload('2026-10', '410102', await xlsx(ledgerTable('410102', 3)));
  for (const month of ['2026-09', '2026-10']) {
    await serve.pipeline.compute({ month });
    docs[month] = await serve.pipeline.store.getJson<RatesDoc>(serve.pipeline.servers.buckets.reports, objectKeys.rates(month));
  }
});

afterAll(async () => {
  await serve?.close();
});

const row = (month: string, level: UnitResult['level'], code: string) => docs[month]!.units.find((u) => u.level === level && u.code === code)!;
const headline = (m: Record<string, number | null> | undefined) => ({ signingLanding: m!.signingLanding, start: m!.start, investmentCompletion: m!.investmentCompletion });
const pointOf = (body: Json, code: string, month: string) => body.units.find((u: Json) => u.code === code).points.find((p: Json) => p.month === month);

describe('GET /history', () => {
  it('gives a unit its own months: January … August 未计算, September and October as rates.json has them', async () => {
    const res = await get('/history', unit);
    expect(res.status).toBe(200);
    expect(res.json.year).toBe(2026);
    expect(res.json.months.map((m: Json) => m.month)).toEqual(Array.from({ length: 10 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    expect(res.json.months.filter((m: Json) => m.computed).map((m: Json) => [m.month, m.state])).toEqual([
      ['2026-09', '草稿（未发布）'],
      ['2026-10', '草稿（未发布）'],
    ]);
    expect(res.json.units.map((u: Json) => [u.level, u.code, u.rankScope])).toEqual([['county', '411102', '全市']]);
    expect(pointOf(res.json, '411102', '2026-08')).toEqual({ month: '2026-08', reported: null, rates: null, rank: null });
    for (const month of ['2026-09', '2026-10']) {
      const r = row(month, 'county', '411102');
      expect(pointOf(res.json, '411102', month)).toEqual({ month, reported: true, rates: headline(r.rates), rank: headline(r.rankInCity) });
    }
    // The upload changed 开工率 between the months: the two points are not the same figures.
    expect(pointOf(res.json, '411102', '2026-10').rates.start).toBe(1);
    expect(pointOf(res.json, '411102', '2026-09').rates.start).not.toBe(1);
  });

  it('gives the city itself and its counties, a county that sent nothing 未报送 (reported: false), not zero', async () => {
    const res = await get('/history?year=2026', city);
    expect(res.status).toBe(200);
    expect(res.json.units.map((u: Json) => u.code)).toEqual(['411100', '411102', '411103', '411104', '411121', '411122']);
    const luohe = row('2026-10', 'city', '411100');
    expect(pointOf(res.json, '411100', '2026-10')).toEqual({ month: '2026-10', reported: true, rates: headline(luohe.rates), rank: headline(luohe.rank) });
    expect(pointOf(res.json, '411103', '2026-09')).toMatchObject({ reported: true, rank: headline(row('2026-09', 'county', '411103').rankInCity) });
    expect(pointOf(res.json, '411104', '2026-10')).toEqual({ month: '2026-10', reported: false, rates: null, rank: null });
    expect((await get('/history?unit=411103', city)).json.units.map((u: Json) => u.code)).toEqual(['411103']);
  });

  it('gives the province itself and the 19 city-level units, ranked among the 19; 郑州 reported in October only', async () => {
    const res = await get('/history', province);
    expect(res.status).toBe(200);
    expect(res.json.units).toHaveLength(20);
    expect(res.json.units[0]).toMatchObject({ level: 'province', code: '410000', rankScope: null });
    for (const month of ['2026-09', '2026-10']) {
      expect(pointOf(res.json, '410000', month)).toEqual({ month, reported: true, rates: headline(row(month, 'province', '410000').rates), rank: { signingLanding: null, start: null, investmentCompletion: null } });
    }
    const zhengzhou = row('2026-10', 'city', '410100');
    expect(pointOf(res.json, '410100', '2026-10')).toEqual({ month: '2026-10', reported: true, rates: headline(zhengzhou.rates), rank: headline(zhengzhou.rank) });
    expect(pointOf(res.json, '410100', '2026-09')).toMatchObject({ reported: false, rates: null });
    // A given city: it and its counties; a given county: that county.
    expect((await get('/history?unit=410100', province)).json.units.map((u: Json) => u.code)).toContain('410102');
    expect(pointOf((await get('/history?unit=410102', province)).json, '410102', '2026-10')).toMatchObject({ reported: true, rank: headline(row('2026-10', 'county', '410102').rankInCity) });
    // An earlier year: twelve months, none computed.
    const last = await get('/history?year=2025', province);
    expect(last.json.months.map((m: Json) => m.state)).toEqual(Array(12).fill('未计算'));
  });

  it('refuses another unit, another city’s unit, a code of no unit and a bad or future year, in Chinese', async () => {
    expect(await get('/history?unit=411103', unit)).toEqual({ status: 403, json: { error: { code: 'other-unit', message: '只能查看本单位的历史数据' } } });
    expect(await get('/history?unit=410102', city)).toEqual({ status: 403, json: { error: { code: 'other-city', message: '该单位不属于漯河市，无权查看' } } });
    expect(await get('/history?unit=999999', province)).toMatchObject({ status: 400, json: { error: { code: 'bad-unit' } } });
    expect(await get('/history?year=26', province)).toMatchObject({ status: 400, json: { error: { code: 'bad-year', message: '年份格式应为四位数字，如 2026' } } });
    expect(await get('/history?year=2027', unit)).toMatchObject({ status: 400, json: { error: { code: 'future-year' } } });
    const anon = await fetch(`${serve.url}/history`);
    expect(anon.status).toBe(401);
  });

  it('fails with 502 when a computed month cannot be read, instead of showing it 未计算', async () => {
    const { s3, servers } = serve.pipeline;
    const key = objectKeys.rates('2026-03');
    await s3.send(new PutObjectCommand({ Bucket: servers.buckets.reports, Key: key, Body: '{"month": "2026-03", ', ContentType: 'application/json' }));
    try {
      const res = await get('/history', unit);
      expect(res).toEqual({ status: 502, json: { error: { code: 'rates-unreadable', message: '2026年3月的计算结果（rates.json）暂时无法读取，请稍后重试；如持续出现请联系省专班' } } });
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: servers.buckets.reports, Key: key }));
    }
    expect((await get('/history', unit)).status).toBe(200);
  });

  it('answers 503 where the portal has no reports bucket', async () => {
    const bare = barePortal(serve, tokens, NOW);
    const res = await bare({ rawPath: '/history', headers: { authorization: `Bearer ${province}` }, queryStringParameters: {}, requestContext: { http: { method: 'GET' } } } as never);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error.code).toBe('no-reports-store');
  });
});
