import { ErrorCode } from '@kilgore/protocol';
import type { Requester } from '../acl/authorizer.js';
import { configAccessError } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { TopicConfigError, type TopicOverrides, validateOverrides } from '../topics/topic-configs.js';
import { brokerNameError, ResourceType } from './config-entries.js';

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

interface Resource {
  resourceType: number;
  resourceName: string;
}

/**
 * The part AlterConfigs and IncrementalAlterConfigs share: per resource, `next` turns the topic's
 * current overrides into the wanted ones (throwing TopicConfigError), the result is validated as
 * a whole, then persisted and applied unless `validateOnly`. A resource named twice is refused, as
 * Kafka does. Broker resources: Kilgore has no dynamic broker configs, so any change is refused
 * with Kafka's INVALID_REQUEST wording.
 */
export function alterEach<R extends Resource>(
  broker: BrokerContext,
  who: Requester,
  resources: readonly R[],
  validateOnly: boolean,
  names: (r: R) => string[],
  next: (r: R, current: TopicOverrides) => Iterable<readonly [string, string | null]>,
): AlterResult[] {
  const seen = new Map<string, number>();
  for (const r of resources) {
    const k = `${r.resourceType}\0${r.resourceName}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return resources.map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const answer = (errorCode: number, errorMessage: string | null): AlterResult => ({
      ...base,
      errorCode,
      errorMessage,
    });
    if ((seen.get(`${r.resourceType}\0${r.resourceName}`) ?? 0) > 1) {
      return answer(ErrorCode.INVALID_REQUEST, 'Duplicate resource.');
    }
    // Kafka: ALTER_CONFIGS on the topic, or on the cluster for a broker.
    const denied = configAccessError(broker, who, AclOperation.ALTER_CONFIGS, r.resourceType, r.resourceName);
    if (denied !== ErrorCode.NONE) return answer(denied, 'Authorization failed.');
    if (r.resourceType === ResourceType.BROKER) {
      const bad = brokerNameError(r.resourceName, broker.nodeId);
      if (bad) return answer(ErrorCode.INVALID_REQUEST, bad);
      const changed = names(r);
      if (changed.length === 0) return answer(ErrorCode.NONE, null);
      return answer(
        ErrorCode.INVALID_REQUEST,
        `Cannot update these configs dynamically: ${changed.join(', ')} (Kilgore reads broker configs at startup only)`,
      );
    }
    if (r.resourceType !== ResourceType.TOPIC) {
      return answer(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
    }
    if (!broker.topics.get(r.resourceName)) {
      return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${r.resourceName}' does not exist.`);
    }
    try {
      const wanted = validateOverrides(next(r, broker.topicConfigs.get(r.resourceName)));
      if (!validateOnly) broker.setTopicConfigs(r.resourceName, wanted);
      return answer(ErrorCode.NONE, null);
    } catch (err) {
      if (err instanceof TopicConfigError) return answer(err.code, err.message);
      throw err;
    }
  });
}
