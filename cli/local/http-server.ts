import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApiEvent, HttpApiResult } from '../../functions/api/http';
import { logEvent } from '../../functions/adapters/log';
import { LOCAL_POST_PREFIX } from './post-gateway';

/**
 * A plain HTTP server on 127.0.0.1 that does locally what API Gateway does in AWS: turns each
 * request into the HTTP API's payload-format-2.0 event, calls the same handler, writes its
 * result back. Browser POST uploads (`/_s3/{bucket}`) go to the local S3 POST gateway instead.
 */
export type ApiHandler = (event: HttpApiEvent) => Promise<HttpApiResult>;
export type PostHandler = (req: IncomingMessage, res: ServerResponse, bucket: string) => Promise<void>;

/** API Gateway's own payload limit. */
const MAX_API_BODY = 10 * 1024 * 1024;

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function isText(contentType: string | undefined): boolean {
  return !contentType || /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i.test(contentType);
}

export function toHttpApiEvent(req: IncomingMessage, body: Buffer, host: string): HttpApiEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const text = isText(req.headers['content-type']);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      domainName: host,
      requestId: randomUUID(),
      http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    },
    body: body.length ? (text ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !text,
  };
}

function writeResult(res: ServerResponse, r: HttpApiResult): void {
  const body = r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  res.writeHead(r.statusCode, { ...r.headers, 'content-length': body.length });
  res.end(body);
}

export interface LocalHttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHttpServer(opts: { api: ApiHandler; post?: PostHandler; port?: number; host?: string }): Promise<LocalHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      const post = path.startsWith(`${LOCAL_POST_PREFIX}/`) ? path.slice(LOCAL_POST_PREFIX.length + 1) : null;
      if (post !== null && opts.post && req.method === 'POST' && /^[a-z0-9.-]{3,63}$/.test(post)) {
        await opts.post(req, res, post);
        return;
      }
      const body = await readBody(req, MAX_API_BODY);
      if (body === null) {
        writeResult(res, { statusCode: 413, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: { code: 'too-large', message: '请求内容过大' } }) });
        req.resume();
        return;
      }
      writeResult(res, await opts.api(toHttpApiEvent(req, body, req.headers.host ?? host)));
    })().catch((err: Error) => {
      // One request's failure is that request's answer (500) and a line in the pipeline log; the server goes on.
      logEvent('local http request failed', { method: req.method ?? null, path: (req.url ?? '/').split('?')[0], error: String(err.stack ?? err) }, 'error');
      if (res.writableEnded || res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'internal', message: '本地服务出错：该请求未能完成，详见日志 pipeline.log' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
