import {
  ApiKey,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResponseDescribeConfigsResult,
  ErrorCode,
} from '@kilgore/protocol';
import { configAccessError } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import {
  brokerConfigEntries,
  brokerNameError,
  type DescribeOptions,
  ResourceType,
  topicConfigEntries,
} from './config-entries.js';
import { defineHandler } from './types.js';

/**
 * DescribeConfigs for topics (their overrides over the broker's settings) and for this broker
 * (its startup settings, all read-only). Synonyms (v1+) only when asked for; documentation (v3+)
 * likewise. Other resource types (broker loggers, client metrics, groups) get INVALID_REQUEST.
 */
export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    const results = request.resources.map((r): DescribeConfigsResponseDescribeConfigsResult => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const fail = (errorCode: number, errorMessage: string) => ({
        ...base,
        errorCode,
        errorMessage,
        configs: [],
      });
      const opts: DescribeOptions = {
        keys: r.configurationKeys,
        synonyms: request.includeSynonyms,
        documentation: request.includeDocumentation,
      };
      // Kafka: DESCRIBE_CONFIGS on the topic, or on the cluster for a broker.
      const denied = configAccessError(
        broker,
        info,
        AclOperation.DESCRIBE_CONFIGS,
        r.resourceType,
        r.resourceName,
      );
      if (denied !== ErrorCode.NONE) return fail(denied, 'Authorization failed.');
      if (r.resourceType === ResourceType.TOPIC) {
        if (!broker.topics.get(r.resourceName)) {
          return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${r.resourceName}' does not exist.`);
        }
        const configs = topicConfigEntries(broker.topicConfigs.get(r.resourceName), broker.config, opts);
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      if (r.resourceType === ResourceType.BROKER) {
        const bad = brokerNameError(r.resourceName, broker.nodeId);
        if (bad) return fail(ErrorCode.INVALID_REQUEST, bad);
        // The empty name asks for cluster-wide dynamic defaults, of which Kilgore has none.
        const configs = r.resourceName === '' ? [] : brokerConfigEntries(broker.config, opts);
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
    });
    return { throttleTimeMs: 0, results };
  },
});
