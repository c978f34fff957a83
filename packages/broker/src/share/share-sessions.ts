/**
 * Share sessions (KIP-932): a member's ShareFetch/ShareAcknowledge requests to this node form one
 * session. Epoch 0 opens it (with the partitions named), each later request carries the next
 * epoch and only the partitions added (and those forgotten), and -1 closes it. A request for a
 * session this node does not have, or with the wrong epoch, is refused so the client starts over.
 */
import { ErrorCode } from '@kilgore/protocol';

export const OPEN_EPOCH = 0;
export const CLOSE_EPOCH = -1;

export interface ShareSession {
  /** The epoch the next request must carry. */
  nextEpoch: number;
  /** "topicId:partition" keys of the partitions it fetches. */
  partitions: Set<string>;
}

export function partitionKey(topicId: string, partition: number): string {
  return `${topicId}:${partition}`;
}

export class ShareSessions {
  private readonly sessions = new Map<string, ShareSession>();

  private key(groupId: string, memberId: string): string {
    return `${groupId}\0${memberId}`;
  }

  /**
   * Checks a request's epoch and moves the session on. Returns the session (a fresh one for
   * epoch 0, the closed one for -1) or the error code to answer with.
   */
  advance(groupId: string, memberId: string, epoch: number, mayOpen: boolean): ShareSession | number {
    const key = this.key(groupId, memberId);
    const existing = this.sessions.get(key);
    if (epoch === OPEN_EPOCH) {
      if (!mayOpen) return ErrorCode.INVALID_SHARE_SESSION_EPOCH;
      const s: ShareSession = { nextEpoch: 1, partitions: new Set() };
      this.sessions.set(key, s);
      return s;
    }
    if (!existing) return ErrorCode.SHARE_SESSION_NOT_FOUND;
    if (epoch === CLOSE_EPOCH) {
      this.sessions.delete(key);
      return existing;
    }
    if (epoch !== existing.nextEpoch) return ErrorCode.INVALID_SHARE_SESSION_EPOCH;
    existing.nextEpoch = epoch === 2_147_483_647 ? 1 : epoch + 1;
    return existing;
  }

  /** Forgets every session (the node stopped coordinating share groups). */
  clear(): void {
    this.sessions.clear();
  }

  /** Forgets a member's session (it left its group). */
  drop(groupId: string, memberId: string): void {
    this.sessions.delete(this.key(groupId, memberId));
  }

  has(groupId: string, memberId: string): boolean {
    return this.sessions.has(this.key(groupId, memberId));
  }
}
