import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/**
 * Reads a request body of at most `limit` bytes. A Content-Length over the limit is refused
 * before anything is read; a body that grows past it (chunked) is refused as soon as it does.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(tooBig(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(tooBig(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (!refused)
        reject(new HttpError(400, 'bad_body', `the request body could not be read: ${err.message}`));
    });
    // A client that goes away mid-body: settle (nothing is appended) rather than wait forever.
    req.on('close', () => {
      if (!req.complete && !refused) {
        reject(new HttpError(400, 'bad_body', 'the client closed the connection inside the body'));
      }
    });
  });
}

function tooBig(limit: number): HttpError {
  return new HttpError(
    413,
    'body_too_large',
    `the request body is larger than kilgore.http.max.request.bytes (${limit} bytes)`,
  );
}
