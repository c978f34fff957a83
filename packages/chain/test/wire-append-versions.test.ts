/**
 * ChainAppend v1 adds the log start offset to each request entry and each answer. A receiver
 * decodes v0 and v1 (v0: the field reads -1, "not sent"), and answers in the request's version.
 */
import {
  type AppendRequest,
  type AppendResponse,
  ChainApiKey,
  chainSendVersion,
  decodeChainRequest,
  decodeChainResponse,
  encodeChainRequest,
  encodeChainResponse,
} from '@kilgore/chain';
import { describe, expect, it } from 'vitest';

const request: AppendRequest = {
  chainName: 'a',
  chainEpoch: 3,
  senderId: 1,
  topics: [
    {
      name: 't',
      partitions: [
        { index: 0, truncateTo: -1n, records: null, logStartOffset: 42n },
        { index: 1, truncateTo: 5n, records: Buffer.from([1, 2, 3]), logStartOffset: -1n },
      ],
    },
  ],
};

const response: AppendResponse = {
  errorCode: 0,
  chainEpoch: 3,
  topics: [
    {
      name: 't',
      partitions: [{ index: 0, errorCode: 0, logEndOffset: 50n, ackedOffset: 48n, logStartOffset: 42n }],
    },
  ],
};

/** A request frame without its size prefix, as the broker's splitter hands it over. */
const frameOf = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(4);

describe('ChainAppend versions', () => {
  it('sends version 1 and carries the log start offset of a start-only entry', () => {
    expect(chainSendVersion(ChainApiKey.Append)).toBe(1);
    const { header, body } = decodeChainRequest<AppendRequest>(
      frameOf(encodeChainRequest(ChainApiKey.Append, 7, request)),
    );
    expect(header.apiVersion).toBe(1);
    const [p0, p1] = body.topics[0]!.partitions;
    expect(p0).toMatchObject({ index: 0, records: null, logStartOffset: 42n });
    expect(p1!.logStartOffset).toBe(-1n);
    expect([...p1!.records!]).toEqual([1, 2, 3]);
  });

  it('still decodes a version 0 request (an older predecessor): the start offset reads -1', () => {
    const { header, body } = decodeChainRequest<AppendRequest>(
      frameOf(encodeChainRequest(ChainApiKey.Append, 7, request, 0)),
    );
    expect(header.apiVersion).toBe(0);
    expect(body.topics[0]!.partitions.map((p) => p.logStartOffset)).toEqual([-1n, -1n]);
    expect(body.topics[0]!.partitions[1]!.truncateTo).toBe(5n);
  });

  it('answers in the version asked: v1 carries the acked start offset, v0 leaves it out', () => {
    const v1 = decodeChainResponse<AppendResponse>(
      ChainApiKey.Append,
      frameOf(encodeChainResponse(ChainApiKey.Append, 9, response, 1)),
      1,
    );
    expect(v1.correlationId).toBe(9);
    expect(v1.body.topics[0]!.partitions[0]).toMatchObject({ ackedOffset: 48n, logStartOffset: 42n });
    const v0Bytes = Buffer.concat(encodeChainResponse(ChainApiKey.Append, 9, response, 0));
    const v1Bytes = Buffer.concat(encodeChainResponse(ChainApiKey.Append, 9, response, 1));
    expect(v1Bytes.length - v0Bytes.length).toBe(8);
    const v0 = decodeChainResponse<AppendResponse>(ChainApiKey.Append, v0Bytes.subarray(4), 0);
    expect(v0.body.topics[0]!.partitions[0]!.logStartOffset).toBe(-1n);
  });

  it('refuses a version it does not know with a clear error', () => {
    const chunks = encodeChainRequest(ChainApiKey.Append, 7, request, 1);
    const frame = frameOf(chunks);
    frame.writeInt16BE(2, 2); // api version in the request header
    expect(() => decodeChainRequest(frame)).toThrow(/unsupported version 2 of 10000/);
    const position = frameOf(
      encodeChainRequest(ChainApiKey.Position, 1, {
        chainName: 'a',
        chainEpoch: 0,
        senderId: 1,
        topics: null,
      }),
    );
    position.writeInt16BE(1, 2);
    expect(() => decodeChainRequest(position)).toThrow(/unsupported version 1 of 10001/);
  });
});
