export { Authorizer, type Requester } from './authorizer.js';
export { configAccessError, mayCluster, mayGroup, mayTopic, mayTransactionalId } from './checks.js';
export { filterMatches, invalidBindingReason, invalidFilterReason, resourceMatches } from './matching.js';
export { type AclSettings, aclSettings } from './settings.js';
export { ACL_FILE, type AclChange, type AclChangeListener, AclStore } from './store.js';
export * from './types.js';
