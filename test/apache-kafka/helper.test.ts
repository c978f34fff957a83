import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaLib, kafkaVersion } from '../support/apache-kafka.js';
import { tempDir } from '../support/temp-dir.js';

// test/support/apache-kafka.ts without a JVM: where the jars are, and what a user without them reads.
describe('kafkaLib()', () => {
  const saved = process.env.KILGORE_CACHE;
  afterEach(() => {
    if (saved === undefined) delete process.env.KILGORE_CACHE;
    else process.env.KILGORE_CACHE = saved;
  });

  it('names the script that fetches the jars when the cache is missing', () => {
    process.env.KILGORE_CACHE = tempDir('kilgore-no-kafka-');
    expect(() => kafkaLib()).toThrow(
      /Apache Kafka's jars are not in .*kafka-\d+\.\d+\.\d+\/lib .*bash scripts\/install-test-tools\.sh/,
    );
  });

  it("finds the pinned version's lib dir with the broker, tools and client jars", () => {
    const lib = kafkaLib();
    expect(lib).toMatch(new RegExp(`kafka-${kafkaVersion().replaceAll('.', '\\.')}/lib$`));
    for (const jar of [`kafka_2.13-${kafkaVersion()}.jar`, `kafka-tools-${kafkaVersion()}.jar`])
      expect(existsSync(join(lib, jar))).toBe(true);
  });
});
