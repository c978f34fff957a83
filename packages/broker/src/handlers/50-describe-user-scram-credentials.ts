import {
  ApiKey,
  type DescribeUserScramCredentialsRequest,
  type DescribeUserScramCredentialsResponse,
  ErrorCode,
  type DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult as UserResult,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { SCRAM_MECHANISMS, type ScramCredential, type ScramMechanism } from '../security/scram-credential.js';
import { defineHandler } from './types.js';

/**
 * DescribeUserScramCredentials: for each user (all when none are named), the SCRAM mechanisms
 * it has stored credentials for and their iteration counts; never salts or keys. A named user
 * without credentials is RESOURCE_NOT_FOUND; a name given twice is DUPLICATE_RESOURCE.
 */
export const describeUserScramCredentialsHandler = defineHandler<
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse
>({
  apiKey: ApiKey.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    // Kafka: DESCRIBE on the cluster.
    if (!mayCluster(broker, info, AclOperation.DESCRIBE)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: 'Cluster authorization failed.',
        results: [],
      };
    }
    const stored =
      broker.scramCredentials?.list() ?? new Map<string, ReadonlyMap<ScramMechanism, ScramCredential>>();
    const describe = (
      user: string,
      byMechanism: ReadonlyMap<ScramMechanism, ScramCredential>,
    ): UserResult => ({
      user,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      credentialInfos: [...byMechanism].map(([m, c]) => ({
        mechanism: SCRAM_MECHANISMS[m].id,
        iterations: c.iterations,
      })),
    });
    const names = request.users?.map((u) => u.name) ?? [];
    if (names.length === 0) {
      const results = [...stored].sort(([a], [b]) => (a < b ? -1 : 1)).map(([user, m]) => describe(user, m));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
    }
    const seen = new Map<string, number>();
    for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
    const results: UserResult[] = [];
    for (const [user, count] of seen) {
      const byMechanism = stored.get(user);
      if (count > 1) {
        results.push(
          failure(
            user,
            ErrorCode.DUPLICATE_RESOURCE,
            'Cannot describe SCRAM credentials for the same user twice in a single request',
          ),
        );
      } else if (byMechanism === undefined || byMechanism.size === 0) {
        results.push(
          failure(
            user,
            ErrorCode.RESOURCE_NOT_FOUND,
            'Attempt to describe a user credential that does not exist',
          ),
        );
      } else {
        results.push(describe(user, byMechanism));
      }
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});

function failure(user: string, errorCode: number, errorMessage: string): UserResult {
  return { user, errorCode, errorMessage, credentialInfos: [] };
}
