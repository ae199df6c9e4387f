import { describe, expect, it } from 'vitest';
import { buildEditions } from '../../../functions/core/bulletin/editions';
import { editionCodes } from '../../../functions/core/shared/storage-keys';
import type { BulletinModel } from '../../../functions/core/bulletin/view-model';
import { OPTS, build, luohe } from '../../helpers/bulletin-build';
import { EVIL_PROJECT, makeDoc, testConfig, unit } from '../../helpers/bulletin-fixture';

describe('editions', () => {
  it('every edition of the month, or just one', () => {
    const doc = makeDoc();
    const all = buildEditions(doc, testConfig, OPTS);
    expect(all.map((m) => m.editionKey)).toEqual(editionCodes());
    expect(all).toHaveLength(20);
    expect(buildEditions(doc, testConfig, OPTS, '410100').map((m) => m.editionKey)).toEqual(['410100']);
    expect(buildEditions(doc, testConfig, OPTS, 'province').map((m) => m.editionKey)).toEqual(['province']);
    expect(() => buildEditions(doc, testConfig, OPTS, '419999')).toThrow(/未知的省辖市代码 419999/);
  });
});

describe('untrusted text', () => {
  it('keeps names and messages raw: no pre-escaping, so the template escapes exactly once', () => {
    const doc = makeDoc();
    const evil = '<script>alert("x")</script> & 新区';
    doc.units.push(unit({ level: 'city', code: '419999', name: evil, cityCode: '419999', score: 99 }));
    const m: BulletinModel = build(doc);
    expect(m.units.table.rows.find((r) => r.code === '419999')!.name).toBe(evil);
    const json = JSON.stringify([m, luohe(doc)]);
    expect(json).toContain(EVIL_PROJECT.replace(/"/g, '\\"'));
    expect(json).not.toContain('&lt;');
    expect(json).not.toContain('&amp;');
  });
});
