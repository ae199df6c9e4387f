import { randomBytes } from 'node:crypto';

/**
 * A multipart/form-data body written byte for byte, for the POST gateway to hand s3rver: the
 * fields the policy check passed, then the file. Not FormData: its serializer rewrites lone CR or
 * LF in values to CRLF and percent-escapes quotes in names, so what s3rver read would differ from
 * what was checked.
 */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

export class UnwritableFieldName extends Error {}

export function multipartBody(fields: [string, string][], file: Uint8Array): { body: Buffer; contentType: string } {
  // Names go into a quoted header parameter unescaped; a lower-case HTTP token (every S3 form field
  // is one) needs no escaping, and anything else is refused rather than sent in some other spelling.
  for (const [name] of fields) if (!TOKEN.test(name)) throw new UnwritableFieldName(name);
  const values = fields.map(([, v]) => Buffer.from(v, 'utf8'));
  const content = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  let boundary: string;
  do boundary = `tb-${randomBytes(24).toString('hex')}`;
  while ([...values, content].some((b) => b.includes(boundary)));

  const parts: Buffer[] = [];
  fields.forEach(([name], i) => {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`), values[i], Buffer.from('\r\n'));
  });
  // A filename and application/octet-stream: s3rver's parser (busboy) takes the part for the file.
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="upload"\r\ncontent-type: application/octet-stream\r\n\r\n`));
  parts.push(content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
