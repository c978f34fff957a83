/**
 * Who may commit and fetch offsets of a KIP-848 consumer group, as Kafka 4.1's
 * ConsumerGroup.validateOffsetCommit / validateOffsetFetch decide it: the member id must be one of
 * the group's members and the epoch must be that member's epoch, else STALE_MEMBER_EPOCH. An
 * epoch below zero is an admin client or a consumer assigning partitions itself: it may commit
 * only while the group has no members, and may always fetch.
 *
 * Unlike Kafka 4.1, the member's previous epoch is accepted too: the Java client does not retry a
 * commitSync refused with STALE_MEMBER_EPOCH (CommitFailedException, records consumed twice), and
 * a commit sent just before the heartbeat answer bringing a new epoch carries the previous one.
 * A member moves to a new epoch only once it gave up what it had to, so the previous epoch owns
 * nothing the current one does not.
 */
import { ErrorCode } from '@kilgore/protocol';
import type { ConsumerGroup } from './consumer-group.js';

export interface OffsetCheck {
  errorCode: number;
  errorMessage: string | null;
}

const OK: OffsetCheck = { errorCode: ErrorCode.NONE, errorMessage: null };

function memberCheck(group: ConsumerGroup, memberId: string, memberEpoch: number): OffsetCheck {
  const member = group.members.get(memberId);
  if (member === undefined) {
    return {
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      errorMessage: `Member ${memberId} is not a member of group ${group.groupId}.`,
    };
  }
  // A classic member (a migration under way) commits with its generation, which is its epoch,
  // and knows ILLEGAL_GENERATION, not STALE_MEMBER_EPOCH (Kafka's validateMemberEpoch).
  if (member.classic !== null) {
    return memberEpoch === member.memberEpoch
      ? OK
      : {
          errorCode: ErrorCode.ILLEGAL_GENERATION,
          errorMessage: `The received generation id ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`,
        };
  }
  const previous = memberEpoch > 0 && memberEpoch === member.previousMemberEpoch;
  if (memberEpoch !== member.memberEpoch && !previous) {
    return {
      errorCode: ErrorCode.STALE_MEMBER_EPOCH,
      errorMessage: `The received member epoch ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`,
    };
  }
  return OK;
}

export interface CommitIdentity {
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit's generationIdOrMemberEpoch (TxnOffsetCommit's generationId). */
  memberEpoch: number;
  /** TxnOffsetCommit: a producer may leave out member id, epoch and instance id altogether. */
  transactional: boolean;
  apiVersion: number;
}

/** Whether this OffsetCommit (or TxnOffsetCommit) may write offsets of the consumer group. */
export function checkConsumerGroupCommit(group: ConsumerGroup, who: CommitIdentity): OffsetCheck {
  if (who.memberEpoch < 0 && group.members.size === 0) return OK;
  if (who.transactional && who.memberEpoch === -1 && who.memberId === '' && who.groupInstanceId === null) {
    return OK;
  }
  const check = memberCheck(group, who.memberId, who.memberEpoch);
  if (check.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) return check;
  // Before v9 the request cannot carry a member epoch: a KIP-848 member must not use it (a
  // classic member of the group may: its generation is its epoch).
  const classic = group.members.get(who.memberId)?.classic ?? null;
  if (!who.transactional && who.apiVersion < 9 && classic === null) {
    return {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      errorMessage: 'OffsetCommit version 9 or above must be used by members using the modern group protocol',
    };
  }
  return check;
}

/** Whether OffsetFetch v9+ from this member (or, id null and epoch < 0, an admin) may read the group's offsets. */
export function checkConsumerGroupFetch(
  group: ConsumerGroup,
  memberId: string | null,
  memberEpoch: number,
): OffsetCheck {
  if (memberId === null && memberEpoch < 0) return OK;
  return memberCheck(group, memberId ?? '', memberEpoch);
}

/**
 * The topics a KIP-848 group subscribes to (Kafka: ConsumerGroup.isSubscribedToTopic): what its
 * members name, and what their regular expressions resolved to when the target was computed.
 * Their offsets are neither deleted by OffsetDelete nor expired.
 */
export function subscribedTopicsOf(group: ConsumerGroup): Set<string> {
  const topics = new Set<string>();
  for (const m of group.members.values()) for (const t of m.subscribedTopicNames) topics.add(t);
  if (group.members.size > 0) for (const t of group.partitionCounts.keys()) topics.add(t);
  return topics;
}
