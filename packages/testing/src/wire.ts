import { connect } from 'node:net';
import { decodeResponse, encodeRequest, FrameSplitter } from '@kilgore/protocol';

/** The client id of the package's own requests; the interceptor lets them pass unrecorded. */
export const INTERNAL_CLIENT = 'kilgore-testing';

/**
 * Sends one request to the broker over its own listener and resolves the decoded response body.
 * Used where the broker's request handler (validation, error codes) must be the judge, exactly
 * as for a client: createTopic with configs.
 */
export function sendRequest<T extends object>(
  host: string,
  port: number,
  apiKey: number,
  apiVersion: number,
  body: object,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const splitter = new FrameSplitter({ maxFrameSize: 64 * 1024 * 1024 });
    socket.once('error', reject);
    socket.on('close', () => reject(new Error('connection closed before the response')));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        socket.destroy();
        try {
          resolve(decodeResponse<T>(apiKey, apiVersion, frame).body);
        } catch (err) {
          reject(err);
        }
        return;
      }
    });
    const header = { apiKey, apiVersion, correlationId: 1, clientId: INTERNAL_CLIENT };
    for (const b of encodeRequest({ header, body })) socket.write(b);
  });
}
