/**
 * The server side of one SASL exchange. `evaluate` takes the client's token and returns the
 * server's next token; once `principal` is set the client is authenticated (the last token may
 * still carry data, e.g. SCRAM's server signature). A bad token throws SaslAuthenticationError.
 */
export interface SaslServer {
  readonly mechanism: string;
  evaluate(token: Buffer): Buffer | Promise<Buffer>;
  /** Set once the exchange succeeded: `User:<name>`. */
  readonly principal: string | undefined;
}

/** Credentials were refused: Kafka answers SASL_AUTHENTICATION_FAILED with this message, then closes. */
export class SaslAuthenticationError extends Error {
  override name = 'SaslAuthenticationError';
}

/** The client broke the mechanism's rules (malformed token, a step too many): closed as failure too. */
export class SaslProtocolError extends SaslAuthenticationError {
  override name = 'SaslProtocolError';
}

export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'AWS_MSK_IAM'] as const;
export type MechanismName = (typeof MECHANISMS)[number];

export function isSupportedMechanism(name: string): name is MechanismName {
  return (MECHANISMS as readonly string[]).includes(name);
}
