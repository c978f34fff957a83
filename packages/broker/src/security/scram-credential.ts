import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The SCRAM mechanisms, with the ids DescribeUserScramCredentials/AlterUserScramCredentials use. */
export const SCRAM_MECHANISMS = {
  'SCRAM-SHA-256': { id: 1, hash: 'sha256', keyLength: 32 },
  'SCRAM-SHA-512': { id: 2, hash: 'sha512', keyLength: 64 },
} as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;

/** Kafka's bounds on iterations (ScramMechanism.minIterations/maxIterations). */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

export function scramMechanismById(id: number): ScramMechanism | undefined {
  for (const [name, m] of Object.entries(SCRAM_MECHANISMS)) if (m.id === id) return name as ScramMechanism;
  return undefined;
}

/**
 * What the server keeps of a SCRAM password (RFC 5802 section 3): never the password, only
 * the salt, the iteration count, StoredKey = H(ClientKey) and ServerKey.
 */
export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(SCRAM_MECHANISMS[mechanism].hash, key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(SCRAM_MECHANISMS[mechanism].hash).update(data).digest();
}

/** SaltedPassword = Hi(password, salt, i), PBKDF2 with the mechanism's HMAC. */
export function saltPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  const m = SCRAM_MECHANISMS[mechanism];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash);
}

/** The stored credential from a salted password (what AlterUserScramCredentials sends). */
export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  saltedPassword: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, 'Client Key');
  return {
    salt,
    storedKey: hash(mechanism, clientKey),
    serverKey: hmac(mechanism, saltedPassword, 'Server Key'),
    iterations,
  };
}

/** A fresh credential for a password (random salt). */
export function credentialFromPassword(
  mechanism: ScramMechanism,
  password: string,
  iterations = MIN_ITERATIONS,
): ScramCredential {
  const salt = randomBytes(SCRAM_MECHANISMS[mechanism].keyLength);
  return credentialFromSaltedPassword(
    mechanism,
    saltPassword(mechanism, password, salt, iterations),
    salt,
    iterations,
  );
}
