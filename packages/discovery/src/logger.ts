/**
 * The part of a pino logger that discovery calls, so a pino Logger can be passed in without this
 * package depending on pino.
 */
export interface DiscoveryLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Says nothing; the default when no logger is given. */
export const silentLogger: DiscoveryLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
