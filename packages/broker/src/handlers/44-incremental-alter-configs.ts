import {
  ApiKey,
  ErrorCode,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsRequestAlterableConfig,
  type IncrementalAlterConfigsResponse,
} from '@kilgore/protocol';
import type { BrokerContext } from '../context.js';
import { brokerDefault, splitList, topicConfigDef } from '../topics/topic-config-defs.js';
import { TopicConfigError, type TopicOverrides } from '../topics/topic-configs.js';
import { alterEach } from './config-alter.js';
import { defineHandler } from './types.js';

/** Kafka's AlterConfigOp.OpType. */
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

/**
 * IncrementalAlterConfigs: SET, DELETE (back to the default), and APPEND/SUBTRACT for list configs
 * (cleanup.policy, the throttled-replica lists), starting from the effective value when the topic
 * does not set it, as Kafka does. Persisted, then applied to the open partition logs.
 */
export const incrementalAlterConfigsHandler = defineHandler<
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse
>({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle(request, info, broker) {
    const responses = alterEach(
      broker,
      info,
      request.resources,
      request.validateOnly,
      (r) => r.configs.map((c) => c.name),
      (r, current) => applyOps(r.configs, current, broker),
    );
    return { throttleTimeMs: 0, responses };
  },
});

function applyOps(
  ops: readonly IncrementalAlterConfigsRequestAlterableConfig[],
  current: TopicOverrides,
  broker: BrokerContext,
): Map<string, string> {
  const out = new Map(current);
  const names = new Set<string>();
  for (const op of ops) {
    if (names.has(op.name)) {
      throw new TopicConfigError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
    }
    names.add(op.name);
    const def = topicConfigDef(op.name);
    if (!def) throw new TopicConfigError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${op.name}`);
    if (op.configOperation === DELETE) {
      out.delete(op.name);
      continue;
    }
    if (op.configOperation < SET || op.configOperation > SUBTRACT) {
      throw new TopicConfigError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${op.configOperation}`);
    }
    if (op.value === null) {
      throw new TopicConfigError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${op.name}`);
    }
    if (op.configOperation === SET) {
      out.set(op.name, op.value);
      continue;
    }
    if (def.type !== 'list') {
      const verb = op.configOperation === APPEND ? 'append' : 'subtract';
      throw new TopicConfigError(
        ErrorCode.INVALID_CONFIG,
        `Config value ${verb} is not allowed for config key: ${op.name}`,
      );
    }
    const before = splitList(out.get(op.name) ?? brokerDefault(def, broker.config).value);
    const items = splitList(op.value);
    const after =
      op.configOperation === APPEND
        ? [...before, ...items.filter((i) => !before.includes(i))]
        : before.filter((i) => !items.includes(i));
    out.set(op.name, after.join(','));
  }
  return out;
}
