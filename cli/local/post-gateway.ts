import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnwritableFieldName, multipartBody } from './multipart-body';
import { type PostCredentials, checkPostPolicy, s3ErrorXml } from './post-policy';

/**
 * The local stand-in for S3's browser-POST endpoint: `POST {prefix}/{bucket}` on the `tb serve`
 * origin. It checks the presigned POST policy as S3 would (post-policy.ts), then hands s3rver a
 * body rebuilt from exactly the fields it checked (lower-case names, the file last), never the
 * browser's own: s3rver parses forms its own way (case-sensitive names, the last copy wins, a part
 * is a file by its headers), so the raw body could make it store what was never checked. s3rver
 * stores the object and emits its ObjectCreated:Post event (the local runtime turns that into the
 * ingest's SQS event, as in AWS).
 *
 * Being same-origin with the page, it needs no CORS; in AWS the raw bucket's CORS rule admits
 * the portal's origin instead (infra/api.ts).
 */
export const LOCAL_POST_PREFIX = '/_s3';

export interface PostGatewayOptions {
  s3Endpoint: string;
  credentials: () => Promise<PostCredentials>;
  region: string;
  /** Bodies above this are refused before parsing (S3 also stops reading oversized uploads). */
  maxBodyBytes: number;
  now?: () => Date;
}

function sendXml(res: ServerResponse, status: number, code: string, message: string, extra?: Record<string, string | number>) {
  const body = s3ErrorXml(code, message, extra);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads the body up to `max` bytes; beyond that keeps draining (so the client gets the answer) but keeps nothing. */
async function readCapped(req: IncomingMessage, max: number): Promise<{ body: Buffer | null; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
    else chunks.length = 0;
  }
  return { body: size <= max ? Buffer.concat(chunks) : null, size };
}

export function createPostGateway(opts: PostGatewayOptions) {
  const now = opts.now ?? (() => new Date());
  return async (req: IncomingMessage, res: ServerResponse, bucket: string): Promise<void> => {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      req.resume();
      return sendXml(res, 412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
    }
    const { body, size } = await readCapped(req, opts.maxBodyBytes);
    if (!body) return sendXml(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: size });

    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return sendXml(res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    }
    const fields: [string, string][] = [];
    let file: Blob | null = null;
    // In form order; S3 ignores whatever follows the file.
    form.forEach((value, name) => {
      if (file) return;
      if (name.toLowerCase() === 'file') file = typeof value === 'string' ? new Blob([value]) : value;
      else if (typeof value === 'string') fields.push([name, value]);
    });
    if (!file) return sendXml(res, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');

    const check = checkPostPolicy({ bucket, fields, fileSize: (file as Blob).size, credentials: await opts.credentials(), region: opts.region, now: now() });
    if (!check.ok) return sendXml(res, check.status, check.code, check.message, check.extra);

    let rebuilt: ReturnType<typeof multipartBody>;
    try {
      rebuilt = multipartBody(check.fields, new Uint8Array(await (file as Blob).arrayBuffer()));
    } catch (e) {
      if (!(e instanceof UnwritableFieldName)) throw e;
      return sendXml(res, 400, 'InvalidArgument', 'Form field names must be HTTP tokens.', { ArgumentName: e.message });
    }
    const upstream = await fetch(`${opts.s3Endpoint}/${encodeURIComponent(bucket)}`, {
      method: 'POST',
      headers: { 'content-type': rebuilt.contentType },
      body: new Uint8Array(rebuilt.body),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'etag', 'location']) {
      const v = upstream.headers.get(h);
      if (v) headers[h] = v;
    }
    res.writeHead(upstream.status, headers);
    res.end(answer);
  };
}
