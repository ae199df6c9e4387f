import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { csvGb18030, csvUtf8, ledgerRow, ledgerTable, xlsx, CANONICAL_HEADER } from '../helpers/files';
import { dataItems, startPipeline } from '../helpers/pipeline';

let p: LocalPipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

async function scanAll(): Promise<Record<string, unknown>[]> {
  const res = await p.doc.send(new ScanCommand({ TableName: p.servers.table }));
  return (res.Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

describe('ingest on the embedded servers', () => {
  it('stores an .xlsx upload as normalized rows in DynamoDB and writes an accepted receipt', async () => {
    await p.upload('incoming/2026-10/411102/411102-源汇区.xlsx', await xlsx(ledgerTable('411102', 12)));
    const { receipts } = await p.drain();
    expect(receipts).toHaveLength(1);
    const r = receipts[0];
    expect(r.status).toBe('accepted');
    expect(r.summary).toBe('已接收：源汇区 2026年10月 共 12 个项目');
    const ledger = await p.repo.readLedger('2026-10');
    expect(ledger['411102']).toHaveLength(12);
    expect(ledger['411102'][0]).toMatchObject({ projectCode: '2604-411102-04-01-000001', batch: '签约', status: '已落地', totalInvestment: 10001, sourceRow: 2 });
    // The receipt is in S3 (raw bucket) too, under receipts/.
    const obj = await p.s3.send(new GetObjectCommand({ Bucket: p.servers.buckets.raw, Key: `receipts/2026-10/411102/${r.uploadId}.json` }));
    expect(JSON.parse(await obj.Body!.transformToString()).status).toBe('accepted');
  });

  it('stores an upload\'s rows as compressed chunk items, and still reads a snapshot of one item per row', async () => {
    await p.upload('incoming/2026-10/410122/410122-中牟县.csv', csvUtf8(ledgerTable('410122', 3000)));
    const [r] = (await p.drain()).receipts;
    expect(r.status).toBe('accepted');
    const pk = `LEDGER#2026-10#410122#${r.uploadId}`;
    const items = (await scanAll()).filter((i) => i.pk === pk);
    expect(items.map((i) => [i.sk, i.rows])).toEqual([['CHUNK#0000', 3000]]);
    expect((await p.repo.readLedger('2026-10'))['410122'].map((row) => row.sourceRow)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 2));
    // A snapshot written before chunks (ROW# items) reads the same.
    const old = (await p.repo.readSnapshot('2026-10', '410122', r.uploadId)).slice(0, 2);
    for (const row of old) await p.doc.send(new PutCommand({ TableName: p.servers.table, Item: { pk: 'LEDGER#2026-10#410122#0ld0ld0ld0ld0ld0', sk: `ROW#${row.projectCode}`, ...row } }));
    expect(await p.repo.readSnapshot('2026-10', '410122', '0ld0ld0ld0ld0ld0')).toEqual(old);
    await p.repo.deleteSnapshot('2026-10', '410122', '0ld0ld0ld0ld0ld0');
    expect((await scanAll()).filter((i) => i.pk === 'LEDGER#2026-10#410122#0ld0ld0ld0ld0ld0')).toEqual([]);
  });

  it('reads GB18030 and UTF-8 (BOM) CSV with synonyms and 亿元 scaling', async () => {
    const table = [
      ['项目编号', '项目名称', '三个一批类别', '活动期次', '进展状态', '计划总投资（亿元）', '本年计划投资(亿元)', '1-10月累计完成投资（亿元）'],
      ['2604-411103-04-01-000001', '冷链物流中心', '开工一批', '第13期', '在建', '1.2345', '0.5', '0.4'],
      ['2604-411103-04-01-000002', '智能装备产业园二期', '签约一批', '十三', '注册', '2', '1', '0.25'],
    ];
    await p.upload('incoming/2026-10/411103/411103-郾城区.csv', csvGb18030(table));
    await p.upload('incoming/2026-10/411104/411104-召陵区.csv', csvUtf8([CANONICAL_HEADER, ledgerRow('411104', 1)], true));
    const { receipts } = await p.drain();
    expect(receipts.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const ledger = await p.repo.readLedger('2026-10');
    expect(ledger['411103'][0]).toMatchObject({ projectName: '冷链物流中心', batch: '开工', phase: 13, status: '已开工', totalInvestment: 12345, annualPlan: 5000, ytdCompleted: 4000 });
    expect(ledger['411103'][1]).toMatchObject({ batch: '签约', phase: 13, status: '已落地' });
    expect(ledger['411104']).toHaveLength(1);
  });

  it('rejects a bad file whole, lists every error with row, column and value, and changes nothing stored', async () => {
    await p.upload('incoming/2026-10/410102/410102-中原区.xlsx', await xlsx(ledgerTable('410102', 3)));
    await p.drain();
    const before = await scanAll();
    const table = ledgerTable('410102', 6);
    table[3][5] = '待定';
    table[5][2] = '签约二批';
    table[6][0] = table[1][0];
    await p.upload('incoming/2026-10/410102/410102-中原区-修改.xlsx', await xlsx(table));
    const { receipts } = await p.drain();
    const r = receipts[0];
    expect(r.status).toBe('rejected');
    expect(r.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [4, '总投资', '待定'],
      [6, '批次', '签约二批'],
      [7, '项目代码', '2604-410102-04-01-000001'],
    ]);
    expect(r.summary).toBe('未接收：中原区 2026年10月 第 4 行“总投资”：“待定”不是数字（共 3 处错误，请全部修改后重新上传）');
    const after = await scanAll();
    expect(dataItems(after)).toEqual(dataItems(before));
    // What the refusal did add: its receipt and the audit's two records of it, nothing else.
    const added = after.filter((i) => !before.some((b) => b.pk === i.pk && b.sk === i.sk));
    expect(added.map((i) => (String(i.pk).startsWith('AUDIT#') ? `audit:${i.action}` : 'receipt')).sort()).toEqual(['audit:receipt', 'audit:upload', 'receipt']);
    expect(added.every((i) => i.uploadId === r.uploadId)).toBe(true);
    expect((await p.repo.readLedger('2026-10'))['410102']).toHaveLength(3);
  });

  it('a re-upload of the same unit and month replaces its rows; the older receipt says superseded', async () => {
    await p.upload('incoming/2026-09/411121/a.xlsx', await xlsx(ledgerTable('411121', 5)));
    const first = (await p.drain()).receipts[0];
    await p.upload('incoming/2026-09/411121/b.csv', csvUtf8(ledgerTable('411121', 3)));
    const second = (await p.drain()).receipts[0];
    expect(second.status).toBe('accepted');
    const ledger = await p.repo.readLedger('2026-09');
    expect(ledger['411121']).toHaveLength(3);
    const rows = (await scanAll()).filter((i) => String(i.pk).startsWith('LEDGER#2026-09#411121#'));
    expect(rows.map((i) => i.rows)).toEqual([3]); // one chunk of the new rows: the old snapshot is gone
    expect((await p.repo.getReceipt('2026-09', '411121', first.uploadId))?.status).toBe('superseded');
  });

  it('the same S3 event delivered twice leaves exactly the same stored state', async () => {
    await p.upload('incoming/2026-08/411122/x.xlsx', await xlsx(ledgerTable('411122', 4)));
    await p.upload('incoming/2026-08/411122/y.xlsx', await xlsx(ledgerTable('411122', 2)));
    await p.drain();
    // Redeliver the notification of y.xlsx (newer, current) exactly as S3 would, twice.
    const current = (await p.repo.getPointer('2026-08', '411122'))!;
    const receipt = (await p.repo.getReceipt('2026-08', '411122', current.uploadId))!;
    const event = {
      Records: [{
        eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: receipt.file.eventTime,
        s3: { bucket: { name: p.servers.buckets.raw }, object: { key: 'incoming/2026-08/411122/y.xlsx', size: receipt.file.size, sequencer: receipt.file.sequencer } },
      }],
    };
    const before = await scanAll();
    await p.ingest(event);
    await p.ingest({ Records: [{ eventSource: 'aws:sqs', messageId: 'm1', body: JSON.stringify(event) }] });
    expect(await scanAll()).toEqual(before);
    expect((await p.repo.readLedger('2026-08'))['411122']).toHaveLength(2);
  });

  it('heals a crash between writing the rows and flipping the pointer when the event is retried', async () => {
    await p.upload('incoming/2026-07/411002/a.xlsx', await xlsx(ledgerTable('411002', 3)));
    await p.drain();
    const flip = p.repo.flipPointer.bind(p.repo);
    p.repo.flipPointer = async () => {
      throw new Error('Lambda timed out');
    };
    await p.upload('incoming/2026-07/411002/b.xlsx', await xlsx(ledgerTable('411002', 5)));
    // The first delivery fails after the snapshot write; the runtime redelivers like SQS.
    let calls = 0;
    p.repo.flipPointer = async (...args) => (++calls === 1 ? Promise.reject(new Error('crash')) : flip(...args));
    const { receipts, failures } = await p.drain();
    p.repo.flipPointer = flip;
    expect(failures).toEqual([]);
    expect(receipts.map((r) => r.status)).toEqual(['accepted']);
    expect((await p.repo.readLedger('2026-07'))['411002']).toHaveLength(5);
    const snapshots = new Set((await scanAll()).filter((i) => String(i.pk).startsWith('LEDGER#2026-07#411002#')).map((i) => i.pk));
    expect(snapshots.size).toBe(1);
  });

  it('rejects unsupported and unreadable files with a message the clerk can act on', async () => {
    await p.upload('incoming/2026-10/411122/old.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]));
    await p.upload('incoming/2026-10/411122/empty.csv', new Uint8Array());
    await p.upload('incoming/2026-10/411122/broken.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9]));
    await p.upload('incoming/2026-10/999999/x.csv', csvUtf8(ledgerTable('999999', 1)));
    const { receipts } = await p.drain();
    expect(receipts.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(receipts[0].errors[0].message).toContain('请另存为 .xlsx 后重新上传');
    expect(receipts[1].errors[0].message).toContain('文件为空');
    expect(receipts[2].errors[0].message).toContain('损坏');
    expect(receipts[3].errors[0].message).toContain('不是河南省的报送单位代码');
    expect((await p.repo.readLedger('2026-10'))['411122']).toBeUndefined();
  });
});

describe('a file over the size limit', () => {
  it('is refused from the event’s size, without downloading it, and changes nothing stored', async () => {
    const { processUpload } = await import('../../functions/ingest/ingest-upload');
    const { S3ObjectStore } = await import('../../functions/adapters/aws/object-store');
    const store = new S3ObjectStore(p.s3);
    let downloads = 0;
    store.getBytes = store.getObject = async () => {
      downloads++;
      throw new Error('must not download');
    };
    const receipt = await processUpload(
      { store, repo: p.repo, config: p.config, rawBucket: p.servers.buckets.raw, curated: null, now: () => new Date('2026-11-05T02:00:00Z') },
      { messageId: null, bucket: p.servers.buckets.raw, key: 'incoming/2026-10/411121/大.xlsx', size: p.config.ingest.maxBytes + 1, eTag: 'x', versionId: null, sequencer: '1', eventTime: '2026-11-05T01:59:59.000Z' },
    );
    expect(downloads).toBe(0);
    expect(receipt).toMatchObject({ status: 'rejected', counts: { errors: 1 } });
    expect(receipt.errors[0]).toMatchObject({ code: 'too-large' });
    expect((await p.repo.getPointer('2026-10', '411121'))).toBeNull();
  });
});
