export {
  type Chain,
  type ChainMember,
  type Membership,
  type MembershipSource,
  sameMembership,
} from './membership.js';
