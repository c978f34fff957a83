import { ErrorCode, errorName } from '@kilgore/protocol';

/**
 * An answer other than success: an HTTP status and the `{ "error", "message" }` body every
 * refusal carries. `error` is a stable snake_case code for programs; `message` is for people.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields of the JSON body (e.g. the partition's offsets on a 416). */
    readonly details: Record<string, unknown> = {},
    /** Extra response headers (Allow on a 405, WWW-Authenticate on a 401). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): string {
    return JSON.stringify({ error: this.code, message: this.message, ...this.details });
  }
}

/** Kafka error codes a request can meet, as HTTP statuses; anything else is a 500. */
const STATUS_OF: ReadonlyMap<number, number> = new Map([
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 404],
  [ErrorCode.UNKNOWN_TOPIC_ID, 404],
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 403],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 403],
  [ErrorCode.OFFSET_OUT_OF_RANGE, 416],
  [ErrorCode.MESSAGE_TOO_LARGE, 413],
  [ErrorCode.RECORD_LIST_TOO_LARGE, 413],
  [ErrorCode.INVALID_TOPIC_EXCEPTION, 400],
  [ErrorCode.INVALID_RECORD, 400],
  [ErrorCode.INVALID_TIMESTAMP, 400],
  [ErrorCode.CORRUPT_MESSAGE, 400],
  [ErrorCode.POLICY_VIOLATION, 400],
  [ErrorCode.INVALID_REQUEST, 400],
  // A node that does not lead the partition (a chain member other than the head), or one that
  // cannot commit now: the client should retry, elsewhere or later.
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, 503],
  [ErrorCode.LEADER_NOT_AVAILABLE, 503],
  [ErrorCode.REQUEST_TIMED_OUT, 503],
  [ErrorCode.NOT_ENOUGH_REPLICAS, 503],
  [ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, 503],
  [ErrorCode.KAFKA_STORAGE_ERROR, 503],
]);

/** The HttpError for a Kafka error code the broker answered with, about `what` (`topic 'x'`). */
export function kafkaError(code: number, what: string, detail?: string | null, extra = {}): HttpError {
  const name = errorName(code);
  const status = STATUS_OF.get(code) ?? 500;
  return new HttpError(
    status,
    name.toLowerCase(),
    `${name} for ${what}${detail ? `: ${detail}` : ''}`,
    extra,
  );
}

export function badRequest(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}
