import { EncodeError } from './decode-error.js';

/**
 * UUIDs are carried as Kafka prints them: 16 bytes in URL-safe base64 without padding, 22
 * characters (Java's `Uuid.toString()`, what `kafka-topics --describe` shows as TopicId).
 * Keeping Kafka's spelling means topic ids in logs, configs and tests read the same as in Kafka.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

const UUID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Whether `s` is a canonical Kafka UUID string (22 base64url chars encoding exactly 16 bytes). */
export function isUuid(s: string): boolean {
  return UUID_PATTERN.test(s);
}

export function uuidFromBytes(buf: Buffer, offset: number): string {
  return buf.toString('base64url', offset, offset + 16);
}

/** Writes the 16 bytes of `uuid` at `offset`; a malformed string is an EncodeError. */
export function writeUuidBytes(uuid: string, target: Buffer, offset: number): void {
  if (!UUID_PATTERN.test(uuid)) {
    throw new EncodeError(`not a Kafka UUID (22 base64url characters): ${uuid}`);
  }
  target.write(uuid, offset, 16, 'base64url');
}
