// Serves /graphql on node:http directly: the body is read and parsed here and handed to Apollo's
// executeHTTPGraphQLRequest, the same entry point its Express integration calls. A GraphQL request no
// longer passes through Express's router, body parser and ETag hashing of every response, which
// together were about a tenth of the API's CPU per resolve (bench/profile-resolve.ts --cpu-prof).
// Express still serves the pages: GraphiQL, the explorer and /health.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { queryOf } from './public-operations.js';

/** What a caller gets instead of a GraphQL answer: an HTTP status and a GraphQL-shaped error. */
export interface Refusal {
  status: number;
  message: string;
  code: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLHttpOptions<C extends BaseContext> {
  /** The largest body read, in bytes, and how to name it in the refusal. */
  maxBodyBytes: number;
  maxBodyLabel: string;
  /** Asked before the body is read: a refusal is sent as it is (rate limits). */
  admit(req: IncomingMessage): Refusal | undefined;
  /** The request's context; `query` is its GraphQL text as sent (undefined when there is none). */
  context(req: IncomingMessage, query: string | undefined): Promise<C>;
}

/** Whether a request is for the GraphQL endpoint (`/graphql`, with or without a query string). */
export function isGraphQLPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0]!;
  return path === '/graphql' || path.startsWith('/graphql/');
}

export function graphqlHttpHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: GraphQLHttpOptions<C>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(apollo, options, req, res).catch((error: unknown) => {
      // Nothing of the failure reaches the caller but its kind: the stack trace goes to the log only.
      console.error('Unexpected error while serving /graphql', error);
      if (!res.headersSent)
        refuse(res, { status: 500, message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' });
      else res.destroy();
    });
  };
}

async function serve<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: GraphQLHttpOptions<C>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refusal = options.admit(req);
  if (refusal) return refuse(res, refusal);
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'POST' ? await readBody(req, options) : { ok: true as const, value: undefined };
  if (!body.ok) {
    refuse(res, body.refusal);
    return;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  const search = queryAt >= 0 ? url.slice(queryAt) : '';
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search, body: body.value },
    context: () => options.context(req, queryOf(body.value, search)),
  });
  // Answers hold personal data: no browser or proxy may keep one.
  res.setHeader('cache-control', 'no-store');
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

type BodyRead = { ok: true; value: unknown } | { ok: false; refusal: Refusal };

const badBody = (status: number, message: string): BodyRead => ({
  ok: false,
  refusal: { status, message, code: 'BAD_REQUEST' },
});

/**
 * A POST body: JSON bodies parsed (gzip and deflate undone), any other kind passed on as text for
 * Apollo to refuse with its own message. Over the limit is 413, whether the length was announced or not.
 */
async function readBody<C extends BaseContext>(
  req: IncomingMessage,
  options: GraphQLHttpOptions<C>,
): Promise<BodyRead> {
  const overLimit = badBody(413, `The request body is over the limit of ${options.maxBodyLabel}`);
  if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) return overLimit;
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable = req;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = req.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = req.pipe(zlib.createInflate());
  else if (encoding !== 'identity') return badBody(415, `Unsupported content encoding "${encoding}"`);
  const read = await new Promise<{ text: string } | BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const settle = (result: { text: string } | BodyRead) => {
      if (!settled) resolve(result);
      settled = true;
    };
    // Past the limit the rest is ignored, not read into memory; Node discards it once the answer is sent.
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      length += chunk.length;
      if (length > options.maxBodyBytes) return settle(overLimit);
      chunks.push(chunk);
    });
    stream.on('end', () => settle({ text: Buffer.concat(chunks).toString('utf8') }));
    stream.on('error', () => settle(badBody(400, 'The request body could not be read')));
  });
  if (!('text' in read)) return read;
  const { text } = read;
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return { ok: true, value: text };
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return badBody(400, 'The request body is not valid JSON');
  }
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  res.statusCode = refusal.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [key, value] of Object.entries(refusal.headers ?? {})) res.setHeader(key, value);
  res.end(
    JSON.stringify({
      errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }],
    }),
  );
}
