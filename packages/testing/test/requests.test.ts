import { describe, expect, it } from 'vitest';
import { errorAnswer } from '../src/error-answer.js';
import { requestTopics } from '../src/requests.js';

const ids = new Map([['Wq1bJzFlQ0mrkCUd0Q2w4g', 'by-id']]);
const byId = (id: string) => ids.get(id);

describe('requestTopics', () => {
  it.each([
    [
      'Produce',
      { topicData: [{ name: 'a', partitionData: [{ index: 0 }, { index: 2 }] }] },
      [{ name: 'a', partitions: [0, 2] }],
    ],
    [
      'Fetch v12',
      { topics: [{ topic: 'f', partitions: [{ partition: 1 }] }] },
      [{ name: 'f', partitions: [1] }],
    ],
    [
      'Fetch v13 (ids only)',
      { topics: [{ topic: '', topicId: 'Wq1bJzFlQ0mrkCUd0Q2w4g', partitions: [{ partition: 0 }] }] },
      [{ name: 'by-id', partitions: [0] }],
    ],
    [
      'ListOffsets',
      { topics: [{ name: 'l', partitions: [{ partitionIndex: 3 }] }] },
      [{ name: 'l', partitions: [3] }],
    ],
    [
      'OffsetFetch v7',
      { topics: [{ name: 'o', partitionIndexes: [0, 1] }] },
      [{ name: 'o', partitions: [0, 1] }],
    ],
    [
      'DeleteTopics v0',
      { topicNames: ['x', 'y'] },
      [
        { name: 'x', partitions: [] },
        { name: 'y', partitions: [] },
      ],
    ],
    ['Metadata (all topics)', { topics: null }, []],
    ['ApiVersions', { clientSoftwareName: 'k' }, []],
  ])('reads %s', (_api, body, expected) => {
    expect(requestTopics(body, byId)).toEqual(expected);
  });
});

describe('errorAnswer', () => {
  const produce = {
    acks: -1,
    topicData: [
      {
        name: 'a',
        partitionData: [
          { index: 0, records: null },
          { index: 1, records: null },
        ],
      },
      { name: 'b', partitionData: [{ index: 0, records: null }] },
    ],
  };

  it('takes the matched partitions out of a Produce and fails them; the handler serves the rest', async () => {
    const seen: unknown[] = [];
    const next = async (body: unknown) => {
      seen.push(body);
      return { responses: [{ name: 'b', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n }] }] };
    };
    const res = await errorAnswer(0, produce, { topic: 'a' }, 6, next, byId);
    expect(seen).toEqual([{ ...produce, topicData: [produce.topicData[1]] }]);
    expect(res).toEqual({
      responses: [
        { name: 'b', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n }] },
        {
          name: 'a',
          partitionResponses: [0, 1].map((index) => ({
            index,
            errorCode: 6,
            baseOffset: -1n,
            logAppendTimeMs: -1n,
            logStartOffset: -1n,
          })),
        },
      ],
    });
  });

  it('does not call the handler when every partition is failed', async () => {
    const next = async () => {
      throw new Error('handler must not run');
    };
    const res = (await errorAnswer(0, produce, {}, 6, next, byId)) as { responses: unknown[] };
    expect(res.responses).toHaveLength(2);
    expect(await errorAnswer(0, { ...produce, acks: 0 }, {}, 6, next, byId)).toBeNull();
  });

  it('fails one partition of a Fetch by topic id, in the same topic entry', async () => {
    const fetch = {
      topics: [
        { topic: '', topicId: 'Wq1bJzFlQ0mrkCUd0Q2w4g', partitions: [{ partition: 0 }, { partition: 1 }] },
      ],
    };
    const next = async (body: unknown) => {
      expect(body).toEqual({ topics: [{ ...fetch.topics[0], partitions: [{ partition: 1 }] }] });
      return {
        errorCode: 0,
        responses: [{ topicId: 'Wq1bJzFlQ0mrkCUd0Q2w4g', partitions: [{ partitionIndex: 1, errorCode: 0 }] }],
      };
    };
    const res = (await errorAnswer(1, fetch, { topic: 'by-id', partition: 0 }, 6, next, byId)) as {
      responses: { topicId: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
    };
    expect(
      res.responses.map((t) => [t.topicId, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]),
    ).toEqual([
      [
        'Wq1bJzFlQ0mrkCUd0Q2w4g',
        [
          [1, 0],
          [0, 6],
        ],
      ],
    ]);
  });

  it('answers other APIs with a top-level error code', async () => {
    expect(await errorAnswer(12, {}, {}, 27, async () => ({}), byId)).toEqual({ errorCode: 27 });
  });
});
