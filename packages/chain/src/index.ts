export type { Chain, ChainMember, Membership } from '@kilgore/discovery';
export { chainFor, chainOfNode, fmix32, fnv1a32, placementWeight } from './placement.js';
