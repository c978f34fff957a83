import type { BrokerContext } from './context.js';
import { CloseConnection, type FrameHandler } from './server/connection.js';

/** Routes each request frame to its API's handler. */
export function createRouter(_context: BrokerContext): FrameHandler {
  return () => {
    throw new CloseConnection('no API handlers yet: @kilgore/protocol codec not available');
  };
}
