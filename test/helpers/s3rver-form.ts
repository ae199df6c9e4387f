import { createRequire } from 'node:module';

/**
 * Reads a multipart body with the very parser s3rver reads browser POSTs with (busboy, resolved
 * from s3rver's own folder), so a test sees the fields and files as s3rver would.
 */
interface Busboy {
  on(ev: 'field', cb: (name: string, value: string) => void): void;
  on(ev: 'file', cb: (name: string, stream: NodeJS.ReadableStream) => void): void;
  on(ev: 'finish' | 'error', cb: (e?: Error) => void): void;
  end(b: Buffer): void;
}
const fromS3rver = createRequire(createRequire(import.meta.url).resolve('s3rver'));
const BusboyCtor = fromS3rver('busboy') as new (o: { headers: Record<string, string> }) => Busboy;

export async function asS3rverReadsIt(body: Buffer, contentType: string): Promise<{ fields: [string, string][]; files: { name: string; bytes: Buffer }[] }> {
  const fields: [string, string][] = [];
  const files: { name: string; bytes: Buffer }[] = [];
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    const bb = new BusboyCtor({ headers: { 'content-type': contentType } });
    bb.on('field', (name, value) => fields.push([name, value]));
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      pending.push(new Promise((done) => stream.on('end', () => done(void files.push({ name, bytes: Buffer.concat(chunks) })))));
    });
    bb.on('finish', () => resolve());
    bb.on('error', (e) => reject(e));
    bb.end(body);
  });
  await Promise.all(pending);
  return { fields, files };
}
