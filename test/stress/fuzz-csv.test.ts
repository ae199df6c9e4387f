import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../functions/core/ingest/check-upload';
import { parseConfig } from '../../functions/core/shared/config';
import { CANONICAL_HEADER, countyForm, csvUtf8, formCsv, ledgerRow } from '../helpers/files';
import { MB, type Tally, applyBytes, byteMutation, checkMutant, fuzzParameters, report, retainedBytes } from '../helpers/fuzz';

/**
 * The CSV reader fuzzed (test/helpers/fuzz.ts says what is checked): sample ledgers in the three
 * encodings ingest meets (UTF-8, UTF-8 with BOM, GB18030), the two-row county form and a file of
 * quoted cells, mutated by byte flips, truncation, deleted and duplicated ranges and inserted
 * delimiters, quotes, line breaks, BOMs, NULs and broken multi-byte characters.
 */
const SEED = 20261001;
const RUNS = 500;

const sample = (month: string, file: string) => ({ key: `incoming/${month}/${file.slice(0, 6)}/${file}`, bytes: new Uint8Array(readFileSync(new URL(`../../samples/${month}/${file}`, import.meta.url))) });
const quoted = [CANONICAL_HEADER, ...[1, 2, 3, 4].map((n) => ledgerRow('411102', n, { 1: ['甲，"乙"项目', '多行\n名称', '逗号,名称', '"全引号"'][n - 1] }))];
const SAMPLES = [
  sample('2026-10', '410102-中原区.csv'), // UTF-8
  sample('2026-10', '410103-二七区.csv'), // UTF-8 with BOM
  sample('2026-10', '410104-管城回族区.csv'), // GB18030
  { key: 'incoming/2026-10/411102/form.csv', bytes: formCsv(countyForm({ unit: '411102', unitName: '源汇区', month: '2026-10', projects: 12 }), 'utf8-bom') },
  { key: 'incoming/2026-10/411102/quoted.csv', bytes: csvUtf8(quoted) },
];

const utf8 = (s: string) => new TextEncoder().encode(s);
const TOKENS = [
  // With digits making money beyond 2^53, which once crashed the store (now errors: core/ledger/limits.ts).
  ...[',', '"', '""', '\n', '\r\n', '\r', '\t', ';', '"\n"', ',,,,', '\n\n\n', ',"', '",', '\u0000', '合计', '注：', '2026年9月', '项目代码,', '1e400', '-5', '=1+1', '😀', '\uFEFF', '9007199254740993', '9'.repeat(400)].map(utf8),
  new Uint8Array([0xef, 0xbb, 0xbf]), // a BOM
  new Uint8Array([0xff, 0xfe]), // a UTF-16 BOM
  new Uint8Array([0xe4]), // half a UTF-8 character
  new Uint8Array([0x81, 0x30]), // half a GB18030 four-byte sequence
  new Uint8Array(iconv.encode('签约', 'gb18030')),
];

describe('CSV reader, fuzzed', () => {
  it(`${RUNS} mutated ledgers each get a receipt; nothing escapes the reader; memory stays bounded`, async () => {
    const config = parseConfig({});
    // Warm up (modules, caches) on the samples themselves: they are accepted.
    for (const s of SAMPLES) expect((await checkUpload(s.key, s.bytes, config)).status).toBe('accepted');
    const before = retainedBytes();
    const tally: Tally = new Map();
    const mutant = fc.record({ sample: fc.nat({ max: SAMPLES.length - 1 }), mutations: fc.array(byteMutation(TOKENS), { minLength: 1, maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(mutant, async ({ sample, mutations }) => {
        const s = SAMPLES[sample];
        await checkMutant(s.key, applyBytes(s.bytes, mutations), config, tally);
      }),
      fuzzParameters(SEED, RUNS),
    );
    const grown = retainedBytes() - before;
    report('csv', tally, grown);
    // The mutants reached past the first check: some were read whole, others refused for several reasons.
    expect(tally.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(tally.size).toBeGreaterThan(3);
    expect(grown).toBeLessThan(16 * MB);
  });
});
