export {
  type Chain,
  type ChainMember,
  type Membership,
  type MembershipSource,
  sameMembership,
} from './membership.js';
export {
  ChainsError,
  checkMembership,
  checkNodeInMembership,
  formatChains,
  parseChains,
  StaticMembership,
} from './static.js';
