export type { Chain, ChainMember, Membership } from '@kilgore/discovery';
