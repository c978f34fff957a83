import {
  ChainsError,
  checkNodeInMembership,
  formatChains,
  parseChains,
  StaticMembership,
} from '@kilgore/discovery';
import { describe, expect, it } from 'vitest';

describe('parseChains', () => {
  it('parses chains head first', () => {
    const m = parseChains('a=1@127.0.0.1:9092,2@127.0.0.2:9092,3@127.0.0.3:9092;b=4@127.0.0.1:9093');
    expect(m.chains).toEqual([
      {
        name: 'a',
        members: [
          { nodeId: 1, host: '127.0.0.1', port: 9092 },
          { nodeId: 2, host: '127.0.0.2', port: 9092 },
          { nodeId: 3, host: '127.0.0.3', port: 9092 },
        ],
      },
      { name: 'b', members: [{ nodeId: 4, host: '127.0.0.1', port: 9093 }] },
    ]);
    expect(formatChains(m)).toBe('a=1@127.0.0.1:9092,2@127.0.0.2:9092,3@127.0.0.3:9092;b=4@127.0.0.1:9093');
  });

  it('accepts spaces, a trailing separator and bracketed IPv6 hosts', () => {
    const m = parseChains(' a = 1@[::1]:9092 , 2@host-2.local:9093 ; ');
    expect(m.chains[0]!.members).toEqual([
      { nodeId: 1, host: '::1', port: 9092 },
      { nodeId: 2, host: 'host-2.local', port: 9093 },
    ]);
  });

  it.each([
    ['', /no chain/],
    ['a', /not name=members/],
    ['a=', /no members/],
    ['a=1@h', /nodeId@host:port/],
    ['a=x@h:1', /nodeId@host:port/],
    ['a=1@h:0', /port 0/],
    ['a=1@h:70000', /port 70000/],
    ['a b=1@h:1', /chain name/],
    ['a=1@h:1;a=2@h:2', /appears twice/],
    ['a=1@h:1,1@g:2', /node 1 appears twice in chain a/],
    ['a=1@h:1;b=1@g:2', /node 1 is in chains a and b/],
  ])('refuses %j', (text, message) => {
    expect(() => parseChains(text)).toThrow(ChainsError);
    expect(() => parseChains(text)).toThrow(message);
  });

  it('refuses a membership without this node', () => {
    const m = parseChains('a=1@h:1,2@h:2');
    expect(() => checkNodeInMembership(m, 2)).not.toThrow();
    expect(() => checkNodeInMembership(m, 3)).toThrow(/node 3 is in no chain/);
  });
});

describe('StaticMembership', () => {
  it('reports changes only when the list differs', () => {
    const source = new StaticMembership(parseChains('a=1@h:1,2@h:2'));
    const seen: string[] = [];
    source.onChange((m) => seen.push(formatChains(m)));
    expect(source.set(parseChains('a=1@h:1,2@h:2'))).toBe(false);
    expect(source.set(parseChains('a=2@h:2,1@h:1'))).toBe(true);
    expect(seen).toEqual(['a=2@h:2,1@h:1']);
    expect(() => source.set({ chains: [{ name: 'a', members: [] }] })).toThrow(ChainsError);
    expect(formatChains(source.current())).toBe('a=2@h:2,1@h:1');
  });
});
