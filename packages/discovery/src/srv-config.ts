/**
 * The text forms of SRV discovery settings, as the CLI and server.properties carry them.
 *
 *   --chain-srv   a=_kafka._tcp.chain-a.kilgore.local,b=_kafka._tcp.chain-b.kilgore.local+100
 *                 one SRV name per chain; `+N` adds N to the node ids of that chain's targets
 *                 (for when every chain numbers its nodes from 0, as one StatefulSet per chain does)
 *   --cluster-srv _kafka._tcp.kilgore.local
 *                 one SRV name for the whole cluster; each target names its chain in a
 *                 `chain-<name>` label (kilgore-4.chain-b.kilgore.local is in chain b)
 */

/** One chain found through its own SRV name. */
export interface ChainSrvName {
  chain: string;
  srvName: string;
  /** Added to each target's ordinal to make the node id. */
  nodeIdOffset: number;
}

export class SrvConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SrvConfigError';
  }
}

const CHAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DNS_NAME =
  /^(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** Parses the `--chain-srv` form above; throws SrvConfigError saying what is wrong and where. */
export function parseChainSrv(text: string): ChainSrvName[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0)
    throw new SrvConfigError('chain-srv: expected chain=SRV-name[,chain=SRV-name...]');
  const chains: ChainSrvName[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new SrvConfigError(`chain-srv: "${entry}" is not chain=SRV-name`);
    const chain = entry.slice(0, eq).trim();
    let srvName = entry.slice(eq + 1).trim();
    let nodeIdOffset = 0;
    const plus = /^(.*)\+(\d+)$/.exec(srvName);
    if (plus) {
      srvName = plus[1] as string;
      nodeIdOffset = Number(plus[2]);
      if (!Number.isSafeInteger(nodeIdOffset) || nodeIdOffset >= 2 ** 30) {
        throw new SrvConfigError(`chain-srv: node id offset of chain ${chain} must be below 2^30`);
      }
    }
    if (!CHAIN_NAME.test(chain)) throw new SrvConfigError(`chain-srv: "${chain}" is not a valid chain name`);
    if (!DNS_NAME.test(srvName))
      throw new SrvConfigError(`chain-srv: "${srvName}" (chain ${chain}) is not a DNS name`);
    if (chains.some((c) => c.chain === chain))
      throw new SrvConfigError(`chain-srv: chain ${chain} is named twice`);
    chains.push({ chain, srvName: srvName.replace(/\.$/, ''), nodeIdOffset });
  }
  return chains;
}

/** Checks a single SRV name (`--cluster-srv`, `--bootstrap-srv`). */
export function parseSrvName(text: string, setting: string): string {
  const name = text.trim();
  if (!DNS_NAME.test(name)) throw new SrvConfigError(`${setting}: "${text}" is not a DNS name`);
  return name.replace(/\.$/, '');
}
