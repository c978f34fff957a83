import type net from 'node:net';
import { encodeRequest, FrameSplitter } from '@kilgore/protocol';

const CLIENT_ID = 'kilgore-chain';

/**
 * Sends one Kafka request on a socket and waits for its answer frame (nothing else may be in
 * flight on it): the SASL steps of the inter-broker dialer, and single requests to a peer.
 */
export function exchange(
  socket: net.Socket,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: object,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const splitter = new FrameSplitter({ maxFrameSize: 1024 * 1024 });
    const done = (err: Error | undefined, frame?: Buffer) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(frame!);
    };
    const onData = (chunk: Buffer) => {
      try {
        const frames = splitter.push(chunk);
        if (frames.length > 0) done(undefined, frames[0]);
      } catch (err) {
        done(err as Error);
      }
    };
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('connection closed (credentials refused?)'));
    const timer = setTimeout(() => done(new Error('timed out')), timeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    for (const c of encodeRequest({
      header: { apiKey, apiVersion, correlationId, clientId: CLIENT_ID },
      body,
    }))
      socket.write(c);
  });
}
