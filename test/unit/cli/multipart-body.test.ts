import { describe, expect, it } from 'vitest';
import { UnwritableFieldName, multipartBody } from '../../../cli/local/multipart-body';
import { asS3rverReadsIt } from '../../helpers/s3rver-form';

/**
 * The body the POST gateway hands s3rver, read back by the very parser s3rver reads forms with:
 * every field and the file arrive byte for byte.
 */
const enc = (s: string) => new TextEncoder().encode(s);

describe('multipartBody (what s3rver is handed)', () => {
  const cases: [string, [string, string][], Uint8Array][] = [
    ['the portal form, a Chinese key', [['key', 'incoming/2026-10/411102/a1b2c3d4e5f60718-源汇区 台账.xlsx'], ['policy', 'eyJ4IjoxfQ=='], ['x-amz-signature', 'ab'.repeat(32)]], enc('PK\u0003\u0004 xlsx bytes')],
    ['lone CR and LF, CRLF and quotes in values', [['key', 'a\nb\rc\r\nd"e'], ['x-amz-meta-note', '"quoted" \\ back']], enc('x')],
    ['empty values', [['key', 'k'], ['content-type', '']], enc('x')],
    ['a file holding CRLF, dashes and a would-be boundary', [['key', 'k']], enc('\r\n--tb-0123\r\n--\r\ncontent-disposition: form-data; name="key"\r\n\r\nother')],
    ['an empty file', [['key', 'k']], new Uint8Array(0)],
    ['binary file bytes', [['key', 'k']], Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256)],
  ];
  it.each(cases)('%s: the same fields in order, then the one file, byte for byte', async (_, fields, file) => {
    const { body, contentType } = multipartBody(fields, file);
    const read = await asS3rverReadsIt(body, contentType);
    expect(read.fields).toEqual(fields);
    expect(read.files).toHaveLength(1);
    expect(read.files[0].name).toBe('file');
    expect(new Uint8Array(read.files[0].bytes)).toEqual(file);
  });

  it.each(['Key', 'x-amz-meta-a"b', 'a b', 'a\r\nb', '键', ''])('refuses the field name %j instead of writing it some other way', (name) => {
    expect(() => multipartBody([[name, 'v']], enc('x'))).toThrow(UnwritableFieldName);
  });
});
