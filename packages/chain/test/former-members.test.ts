import fs from 'node:fs';
import path from 'node:path';
import type { Membership } from '@kilgore/discovery';
import { describe, expect, it } from 'vitest';
import { FORMER_MEMBERS_FILE, FormerMembers } from '../src/former-members.js';
import { tempDir } from './helpers/temp-dir.js';

const member = (nodeId: number) => ({ nodeId, host: `127.0.0.${nodeId}`, port: 9000 + nodeId });
const chains = (spec: Record<string, number[]>): Membership => ({
  chains: Object.entries(spec).map(([name, ids]) => ({ name, members: ids.map(member) })),
});

describe('former members', () => {
  it('remembers the nodes a membership change dropped, across a restart', () => {
    const dir = tempDir('kilgore-former-');
    const former = new FormerMembers(dir);
    expect(former.update({ chains: [] }, chains({ a: [1, 2], b: [3, 4] }))).toEqual([]);
    expect(former.list()).toEqual([]);
    const left = former.update(chains({ a: [1, 2], b: [3, 4] }), chains({ a: [1, 2] }));
    expect(left.map((m) => m.nodeId)).toEqual([3, 4]);
    expect(former.list()).toEqual([member(3), member(4)]);
    // Persisted: a restarted node still knows whom to ask.
    expect(new FormerMembers(dir).list()).toEqual([member(3), member(4)]);
  });

  it('forgets a node named again, and keeps the ones dropped earlier', () => {
    const dir = tempDir('kilgore-former-');
    const former = new FormerMembers(dir);
    former.update(chains({ a: [1], b: [3], c: [5] }), chains({ a: [1], c: [5] }));
    former.update(chains({ a: [1], c: [5] }), chains({ a: [1] }));
    expect(former.list().map((m) => m.nodeId)).toEqual([3, 5]);
    former.update(chains({ a: [1] }), chains({ a: [1], b: [3] }));
    expect(former.list().map((m) => m.nodeId)).toEqual([5]);
    expect(new FormerMembers(dir).list().map((m) => m.nodeId)).toEqual([5]);
  });

  it('refuses an unreadable file with a message naming it', () => {
    const dir = tempDir('kilgore-former-');
    fs.writeFileSync(path.join(dir, FORMER_MEMBERS_FILE), '{not json');
    expect(() => new FormerMembers(dir)).toThrow(
      /chain-former-members\.json is unreadable.*fix or remove it/,
    );
    fs.writeFileSync(path.join(dir, FORMER_MEMBERS_FILE), '{"a":1}');
    expect(() => new FormerMembers(dir)).toThrow(/not a list of nodes/);
  });
});
