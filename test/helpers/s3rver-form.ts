import { createRequire } from 'node:module';

/**
 * Reads a multipart body with the very parser s3rver reads browser POSTs with (busboy 1.x,
 * resolved from s3rver's own folder, so whatever version s3rver ships), so a test sees the fields
 * and files as s3rver would.
 */
interface Busboy {
  on(ev: 'field', cb: (name: string, value: string) => void): void;
  on(ev: 'file', cb: (name: string, stream: NodeJS.ReadableStream) => void): void;
  on(ev: 'close', cb: () => void): void;
  on(ev: 'error', cb: (e: Error) => void): void;
  end(b: Buffer): void;
}
const fromS3rver = createRequire(createRequire(import.meta.url).resolve('@20minutes/s3rver'));
// busboy 1.x is a factory, not a constructor (s3rver calls `busboy({ headers: ctx.headers })`).
const busboy = fromS3rver('busboy') as (o: { headers: Record<string, string> }) => Busboy;

export async function asS3rverReadsIt(body: Buffer, contentType: string): Promise<{ fields: [string, string][]; files: { name: string; bytes: Buffer }[] }> {
  const fields: [string, string][] = [];
  const files: { name: string; bytes: Buffer }[] = [];
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    const bb = busboy({ headers: { 'content-type': contentType } });
    bb.on('field', (name, value) => fields.push([name, value]));
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      pending.push(new Promise((done) => stream.on('end', () => done(void files.push({ name, bytes: Buffer.concat(chunks) })))));
    });
    // 1.x: 'close' once every part has been parsed ('finish' only says the input was written).
    bb.on('close', () => resolve());
    bb.on('error', (e) => reject(e));
    bb.end(body);
  });
  await Promise.all(pending);
  return { fields, files };
}
