import {
  type AlterUserScramCredentialsRequest,
  type AlterUserScramCredentialsResponse,
  ApiKey,
  ErrorCode,
  type AlterUserScramCredentialsResponseAlterUserScramCredentialsResult as UserResult,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import {
  credentialFromSaltedPassword,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
  scramMechanismById,
} from '../security/scram-credential.js';
import { defineHandler } from './types.js';

interface Change {
  user: string;
  mechanism: ScramMechanism;
  credential: ScramCredential | null;
}

/**
 * AlterUserScramCredentials: upserts (the client sends salt, iterations and the salted password;
 * the broker keeps only the stored and server keys derived from it) and deletions. Checked per
 * user as Kafka does: one bad operation fails that user's whole set, the other users' changes
 * are applied and persisted together.
 */
export const alterUserScramCredentialsHandler = defineHandler<
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse
>({
  apiKey: ApiKey.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    // Kafka: ALTER on the cluster, else every user named answers CLUSTER_AUTHORIZATION_FAILED.
    if (!mayCluster(broker, info, AclOperation.ALTER)) {
      const users = new Set([...request.deletions, ...request.upsertions].map((o) => o.name));
      return {
        throttleTimeMs: 0,
        results: [...users].map((user) => ({
          user,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: 'Cluster authorization failed.',
        })),
      };
    }
    const store = broker.scramCredentials;
    const errors = new Map<string, { code: number; message: string }>();
    const fail = (user: string, code: number, message: string) => {
      if (!errors.has(user)) errors.set(user, { code, message });
    };
    const changes = new Map<string, Change[]>();
    const seen = new Set<string>();
    const ops = [
      ...request.deletions.map((d) => ({ ...d, upsert: undefined })),
      ...request.upsertions.map((u) => ({ name: u.name, mechanism: u.mechanism, upsert: u })),
    ];
    for (const op of ops) {
      const user = op.name;
      if (!changes.has(user)) changes.set(user, []);
      if (user === '') {
        fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
        continue;
      }
      const mechanism = scramMechanismById(op.mechanism);
      if (mechanism === undefined) {
        fail(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
        continue;
      }
      const key = `${user}\0${mechanism}`;
      if (seen.has(key)) {
        fail(
          user,
          ErrorCode.DUPLICATE_RESOURCE,
          'A user credential cannot be altered twice in the same request',
        );
        continue;
      }
      seen.add(key);
      if (store === undefined) {
        fail(user, ErrorCode.UNSUPPORTED_VERSION, 'This node keeps no SCRAM credentials');
        continue;
      }
      const u = op.upsert;
      if (u === undefined) {
        if (store.get(user, mechanism) === undefined) {
          fail(user, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
        } else {
          changes.get(user)!.push({ user, mechanism, credential: null });
        }
        continue;
      }
      if (u.iterations < MIN_ITERATIONS) {
        fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too few iterations (minimum ${MIN_ITERATIONS})`);
      } else if (u.iterations > MAX_ITERATIONS) {
        fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too many iterations (maximum ${MAX_ITERATIONS})`);
      } else if (u.salt.length === 0) {
        fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt must not be empty');
      } else if (u.saltedPassword.length !== SCRAM_MECHANISMS[mechanism].keyLength) {
        fail(
          user,
          ErrorCode.UNACCEPTABLE_CREDENTIAL,
          `Salted password must be ${SCRAM_MECHANISMS[mechanism].keyLength} bytes for ${mechanism}`,
        );
      } else {
        const credential = credentialFromSaltedPassword(
          mechanism,
          u.saltedPassword,
          Buffer.from(u.salt),
          u.iterations,
        );
        changes.get(user)!.push({ user, mechanism, credential });
      }
    }
    const accepted = [...changes].filter(([user]) => !errors.has(user)).flatMap(([, c]) => c);
    let storeError: string | undefined;
    try {
      store?.apply(accepted);
    } catch (err) {
      storeError = `Credentials could not be persisted: ${(err as Error).message}`;
      broker.log.error({ err }, 'AlterUserScramCredentials: persisting credentials failed');
    }
    const results: UserResult[] = [...changes.keys()].map((user) => {
      const e = errors.get(user);
      if (e !== undefined) return { user, errorCode: e.code, errorMessage: e.message };
      if (storeError !== undefined)
        return { user, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: storeError };
      return { user, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return { throttleTimeMs: 0, results };
  },
});
