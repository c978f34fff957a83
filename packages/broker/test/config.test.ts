import { ConfigError, envName, flagName, loadConfig, parseProperties } from '@kilgore/broker';
import { describe, expect, it } from 'vitest';
import { groupSettings } from '../src/groups/settings.js';

describe('parseProperties', () => {
  it('reads Kafka server.properties syntax', () => {
    const text = [
      '# comment',
      '! also a comment',
      'node.id=3',
      'listeners : PLAINTEXT://:9093',
      'log.dirs /tmp/a',
      'long.value=one,\\',
      '    two',
      'escaped\\=key=x\\ty\\u0041',
      '',
    ].join('\n');
    const p = parseProperties(text);
    expect(p.get('node.id')).toBe('3');
    expect(p.get('listeners')).toBe('PLAINTEXT://:9093');
    expect(p.get('log.dirs')).toBe('/tmp/a');
    expect(p.get('long.value')).toBe('one,two');
    expect(p.get('escaped=key')).toBe('x\tyA');
  });
});

describe('loadConfig', () => {
  it('gives Kafka-like defaults', () => {
    const { config } = loadConfig({});
    expect(config.nodeId).toBe(1);
    expect(config.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
    expect(config.advertisedListeners).toEqual(config.listeners);
    expect(config.socketRequestMaxBytes).toBe(104857600);
    expect(config.logRetentionMs).toBe(7 * 24 * 3600 * 1000);
    expect(config.autoCreateTopicsEnable).toBe(true);
  });

  it('applies flags > env > file > defaults', () => {
    const file = { path: 'server.properties', text: 'num.partitions=2\nnode.id=5\nlog.segment.bytes=1000\n' };
    const env = { KILGORE_NUM_PARTITIONS: '3', KILGORE_NODE_ID: '6', UNRELATED: 'x' };
    const flags = { 'num.partitions': '4' };
    const { config } = loadConfig({ file, env, flags });
    expect(config.numPartitions).toBe(4);
    expect(config.nodeId).toBe(6);
    expect(config.logSegmentBytes).toBe(1000);
    expect(config.settings.get('num.partitions')).toMatchObject({
      source: 'flag',
      origin: '--num-partitions',
    });
    expect(config.settings.get('node.id')).toMatchObject({ source: 'env', origin: 'KILGORE_NODE_ID' });
    expect(config.settings.get('log.segment.bytes')?.source).toBe('file');
  });

  it('resolves synonyms within a source by priority and across sources by source', () => {
    const file = { path: 'f', text: 'log.dir=/a\nlog.dirs=/b\nlog.retention.hours=1\n' };
    expect(loadConfig({ file }).config.logDir).toBe('/b');
    expect(loadConfig({ file }).config.logRetentionMs).toBe(3_600_000);
    expect(loadConfig({ file, flags: { 'log.dir': '/c' } }).config.logDir).toBe('/c');
    expect(loadConfig({ env: { KILGORE_LOG_DIRS: '/d' } }).config.logDir).toBe('/d');
    expect(loadConfig({ flags: { 'broker.id': '9' } }).config.nodeId).toBe(9);
  });

  it('warns about unknown settings instead of failing (as Kafka does)', () => {
    const { warnings } = loadConfig({ file: { path: 'f', text: 'zookeeper.connect=localhost:2181\n' } });
    expect(warnings.join()).toContain('zookeeper.connect');
  });

  it('advertises a concrete host for wildcard listeners and checks names', () => {
    const { config } = loadConfig({ flags: { listeners: 'PLAINTEXT://:0' } });
    expect(config.advertisedListeners[0]?.host).not.toBe('');
    expect(() =>
      loadConfig({ flags: { listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'OTHER://h:1' } }),
    ).toThrow(/advertised.listeners/);
    const v6 = loadConfig({ flags: { listeners: 'PLAINTEXT://[::1]:9092' } }).config;
    expect(v6.listeners[0]?.host).toBe('::1');
  });

  it.each([
    [{ 'node.id': 'abc' }, 'node.id', /not an integer/],
    [{ 'num.partitions': '0' }, 'num.partitions', /minimum 1/],
    [{ 'log.segment.bytes': '99999999999' }, 'log.segment.bytes', /maximum/],
    [{ 'auto.create.topics.enable': 'yes' }, 'auto.create.topics.enable', /true or false/],
    [{ listeners: 'localhost:9092' }, 'listeners', /NAME:\/\/host:port/],
    [{ listeners: 'SSL://:9093' }, 'ssl.keystore.location', /needs a key and certificate/],
    [{ listeners: 'OTHER://:9093' }, 'listener.security.protocol.map', /no security protocol/],
    [{ listeners: 'PLAINTEXT://:70000' }, 'listeners', /out of range/],
    [{ 'log.dirs': '/a,/b' }, 'log.dirs', /exactly one/],
    [{ 'logger.level': 'loud' }, 'logger.level', /one of/],
  ])('rejects %o naming the setting', (flags, setting, reason) => {
    try {
      loadConfig({ flags });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).setting).toBe(setting);
      expect((e as Error).message).toContain(setting);
      expect((e as Error).message).toMatch(reason);
    }
  });

  it('validates the KIP-848 group.consumer.* settings the group coordinator reads', () => {
    const defaults = groupSettings(loadConfig({}).config);
    expect(defaults.consumerSessionTimeoutMs).toBe(45_000);
    expect(defaults.consumerHeartbeatIntervalMs).toBe(5000);
    expect(defaults.consumerMaxSize).toBe(2_147_483_647);
    const set = loadConfig({
      flags: { 'group.consumer.session.timeout.ms': '8000', 'group.consumer.max.size': '3' },
      env: { KILGORE_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS: '1000' },
    });
    expect(set.warnings).toEqual([]);
    expect(groupSettings(set.config)).toMatchObject({
      consumerSessionTimeoutMs: 8000,
      consumerHeartbeatIntervalMs: 1000,
      consumerMaxSize: 3,
    });
    expect(() => loadConfig({ flags: { 'group.consumer.max.size': '0' } })).toThrow(
      /group\.consumer\.max\.size .*below the minimum 1/,
    );
    expect(() =>
      loadConfig({
        flags: {
          'group.consumer.session.timeout.ms': '3000',
          'group.consumer.heartbeat.interval.ms': '3000',
        },
      }),
    ).toThrow(
      /group\.consumer\.heartbeat\.interval\.ms \(from --group-consumer-heartbeat-interval-ms\): 3000 must be less than/,
    );
  });

  it('names env vars and flags after the setting', () => {
    expect(envName('log.segment.bytes')).toBe('KILGORE_LOG_SEGMENT_BYTES');
    expect(flagName('log.dir')).toBe('log-dir');
  });
});
