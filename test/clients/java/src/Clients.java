import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * kafka-clients used as applications use it: the producer with 4.x defaults, consumers in a
 * classic group and by assignment, and the Admin client (in {@link AdminScenarios}).
 */
public final class Clients {
  private Clients() {}

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("produce", Clients::produce);
    scenarios.put("large", Clients::large);
    scenarios.put("group", Clients::group);
    scenarios.put("seek", Clients::seek);
    scenarios.put("admin", AdminScenarios::admin);
    scenarios.put("edges", Clients::edges);
    scenarios.put("cooperative", Clients::cooperative);
    scenarios.put("steady", Clients::steady);
    Driver.serve(scenarios);
  }

  static Properties common(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", "kilgore-java-test");
    return p;
  }

  /** A producer with Kafka 4.x defaults (acks=all, idempotence on) but for the given settings. */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> settings) {
    Properties p = common(bootstrap);
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.putAll(settings);
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> settings) {
    Properties p = common(bootstrap);
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("auto.offset.reset", "earliest");
    p.putAll(settings);
    return new KafkaConsumer<>(p);
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(common(bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** One sent record and where the producer was told it landed. */
  record Sent(ProducerRecord<byte[], byte[]> record, RecordMetadata meta) {}

  /** The i-th record of a produce scenario: keyed (some null), varied values, two headers. */
  static ProducerRecord<byte[], byte[]> nth(String topic, String codec, int i) {
    byte[] key = i % 10 == 9 ? null : utf8("key-" + (i % 97));
    StringBuilder value = new StringBuilder().append(i).append(':');
    for (int j = 0; j < i % 300; j++) value.append((char) ('a' + (i + j) % 26));
    byte[] v = i % 211 == 210 ? null : utf8(value.toString());
    RecordHeaders headers = new RecordHeaders();
    headers.add("seq", ByteBuffer.allocate(4).putInt(i).array());
    headers.add("codec", utf8(codec));
    if (i % 7 == 0) headers.add("empty", new byte[0]);
    return new ProducerRecord<>(topic, null, null, key, v, headers);
  }

  /**
   * Sends records, then reads every partition from the start and compares each record (offset,
   * key, value, headers, timestamp) with what was sent, in order.
   */
  static Map<String, Object> sendAndReadBack(
      String bootstrap, String topic, int partitions, List<ProducerRecord<byte[], byte[]>> records, Map<String, Object> producerSettings)
      throws Exception {
    createTopic(bootstrap, topic, partitions);
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, producerSettings)) {
      for (ProducerRecord<byte[], byte[]> r : records) futures.add(producer.send(r));
      producer.flush();
    }
    Map<Integer, List<Sent>> expected = new TreeMap<>();
    for (int i = 0; i < records.size(); i++) {
      RecordMetadata meta = futures.get(i).get();
      expected.computeIfAbsent(meta.partition(), k -> new ArrayList<>()).add(new Sent(records.get(i), meta));
    }
    // In send order each partition's offsets must run 0, 1, 2, ... (max.in.flight=5, no reordering).
    int outOfOrder = 0;
    for (List<Sent> list : expected.values()) {
      for (int i = 0; i < list.size(); i++) if (list.get(i).meta().offset() != i) outOfOrder++;
    }

    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> got = new TreeMap<>();
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(topic, p));
    int received = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of())) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 30_000;
      while (received < records.size() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          got.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
          received++;
        }
      }
    }

    int mismatches = 0;
    String firstMismatch = null;
    for (Map.Entry<Integer, List<Sent>> e : expected.entrySet()) {
      List<ConsumerRecord<byte[], byte[]>> back = got.getOrDefault(e.getKey(), List.of());
      for (int i = 0; i < e.getValue().size(); i++) {
        Sent s = e.getValue().get(i);
        String why = i >= back.size() ? "missing" : differs(s, back.get(i));
        if (why != null) {
          mismatches++;
          if (firstMismatch == null) firstMismatch = "partition " + e.getKey() + " #" + i + ": " + why;
        }
      }
    }
    Map<String, Integer> perPartition = new TreeMap<>();
    expected.forEach((p, l) -> perPartition.put(String.valueOf(p), l.size()));
    Map<String, Object> result = new HashMap<>();
    result.put("sent", records.size());
    result.put("received", received);
    result.put("mismatches", mismatches);
    result.put("firstMismatch", firstMismatch);
    result.put("outOfOrder", outOfOrder);
    result.put("partitions", perPartition);
    return result;
  }

  static String differs(Sent s, ConsumerRecord<byte[], byte[]> r) {
    if (r.offset() != s.meta().offset()) return "offset " + r.offset() + " != " + s.meta().offset();
    if (!Arrays.equals(r.key(), s.record().key())) return "key " + text(r.key()) + " != " + text(s.record().key());
    if (!Arrays.equals(r.value(), s.record().value())) return "value differs at offset " + r.offset();
    if (r.timestampType() != TimestampType.CREATE_TIME) return "timestamp type " + r.timestampType();
    if (r.timestamp() != s.meta().timestamp()) return "timestamp " + r.timestamp() + " != " + s.meta().timestamp();
    Header[] want = s.record().headers().toArray();
    Header[] have = r.headers().toArray();
    if (want.length != have.length) return "headers " + have.length + " != " + want.length;
    for (int i = 0; i < want.length; i++) {
      if (!want[i].key().equals(have[i].key()) || !Arrays.equals(want[i].value(), have[i].value())) {
        return "header " + i + " (" + have[i].key() + ") differs";
      }
    }
    return null;
  }

  /**
   * steady <bootstrap> <topic> <partition> <count> <pauseMs>: an idempotent producer (Kafka 4.x
   * defaults, acks=all, retries until delivery.timeout.ms) sends values steady-0 .. steady-(count-1)
   * to one partition one by one, each awaited, with a pause between: a slow, steady writer whose
   * every acknowledged value must be there once, in order, whatever moves meanwhile.
   */
  static void steady(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1);
    int partition = Integer.parseInt(args.get(2)), count = Integer.parseInt(args.get(3));
    long pauseMs = Long.parseLong(args.get(4));
    Map<String, Object> settings = new HashMap<>();
    settings.put("request.timeout.ms", 5000);
    settings.put("delivery.timeout.ms", 60000);
    settings.put("retry.backoff.ms", 100);
    settings.put("linger.ms", 0);
    int acked = 0, failed = 0;
    String firstError = null;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, settings)) {
      for (int i = 0; i < count; i++) {
        try {
          producer.send(new ProducerRecord<>(topic, partition, null, utf8("steady-" + i))).get();
          acked++;
        } catch (Exception e) {
          failed++;
          if (firstError == null) firstError = String.valueOf(e.getCause() == null ? e : e.getCause());
        }
        Thread.sleep(pauseMs);
      }
    }
    Driver.emit("step", "steady", "acked", acked, "failed", failed, "firstError", firstError);
  }

  /** produce <bootstrap> <topic> <codec> <count>: one codec, 3 partitions, max.in.flight=5. */
  static void produce(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1), codec = args.get(2);
    int count = Integer.parseInt(args.get(3));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) records.add(nth(topic, codec, i));
    Map<String, Object> settings = new HashMap<>();
    settings.put("compression.type", codec);
    settings.put("max.in.flight.requests.per.connection", 5);
    settings.put("batch.size", 256 * 1024);
    settings.put("linger.ms", 20);
    Map<String, Object> result = sendAndReadBack(bootstrap, topic, 3, records, settings);
    result.put("step", "produce");
    result.put("codec", codec);
    Driver.emit(result);
  }

  /**
   * large <bootstrap> <topic>: 1 MB batches of small records and records of 900 kB (just under
   * max.request.size), uncompressed and with lz4.
   */
  static void large(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 8000; i++) {
      byte[] v = new byte[500];
      Arrays.fill(v, (byte) ('A' + i % 26));
      ByteBuffer.wrap(v).putInt(i);
      records.add(new ProducerRecord<>(topic, 0, utf8("small-" + i), v));
    }
    for (int i = 0; i < 3; i++) {
      byte[] v = new byte[900_000];
      for (int j = 0; j < v.length; j++) v[j] = (byte) (j * 31 + i);
      records.add(new ProducerRecord<>(topic, 0, utf8("big-" + i), v));
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put("batch.size", 1024 * 1024);
    settings.put("linger.ms", 50);
    settings.put("buffer.memory", 64L * 1024 * 1024);
    settings.put("compression.type", args.get(2));
    Map<String, Object> result = sendAndReadBack(bootstrap, topic, 1, records, settings);
    result.put("step", "large");
    result.put("codec", args.get(2));
    Driver.emit(result);
  }

  static Set<Integer> partitionsOf(Collection<TopicPartition> tps) {
    Set<Integer> s = new java.util.TreeSet<>();
    for (TopicPartition tp : tps) s.add(tp.partition());
    return s;
  }

  /**
   * group <bootstrap> <topic> <group>: two consumers (classic protocol) share a 4-partition topic;
   * the second joining rebalances the first; A commits with commitSync (also on revocation), B with
   * commitAsync. Then a third consumer in the same group resumes at the committed offsets.
   */
  static void group(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1), group = args.get(2);
    int partitions = 4, first = 400, more = 40;
    createTopic(bootstrap, topic, partitions);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
      for (int i = 0; i < first; i++) producer.send(new ProducerRecord<>(topic, i % partitions, null, utf8("v" + i)));
    }
    Map<String, Object> groupSettings = new HashMap<>();
    groupSettings.put("group.id", group);
    groupSettings.put("group.protocol", "classic");
    groupSettings.put("enable.auto.commit", false);
    groupSettings.put("max.poll.records", 25);
    groupSettings.put("heartbeat.interval.ms", 200);
    groupSettings.put("session.timeout.ms", 10_000);

    Set<String> seen = new HashSet<>();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger revocations = new AtomicInteger();
    AtomicInteger asyncCommits = new AtomicInteger();
    AtomicReference<Exception> asyncError = new AtomicReference<>();
    KafkaConsumer<byte[], byte[]> a = consumer(bootstrap, groupSettings);
    KafkaConsumer<byte[], byte[]> b = consumer(bootstrap, groupSettings);
    a.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        revocations.incrementAndGet();
        a.commitSync(); // what was consumed of the revoked partitions is not consumed again
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> assigned) {}
    });
    long deadline = System.currentTimeMillis() + 30_000;
    int aCount = 0, bCount = 0, asyncIssued = 0;
    while (aCount < 100 && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : a.poll(Duration.ofMillis(100))) {
        aCount++;
        if (!seen.add(r.partition() + "/" + r.offset())) duplicates.incrementAndGet();
      }
    }
    a.commitSync();
    Driver.emit("step", "alone", "assigned", partitionsOf(a.assignment()), "consumed", aCount);

    // A fetches nothing until the rebalance (an eager one hands out fresh, unpaused partitions), so
    // B's half still has records left for it however fast A is.
    a.pause(a.assignment());
    b.subscribe(List.of(topic));
    boolean split = false;
    Set<Integer> aParts = Set.of(), bParts = Set.of();
    while ((seen.size() < first || !split) && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : a.poll(Duration.ofMillis(50))) {
        aCount++;
        if (!seen.add(r.partition() + "/" + r.offset())) duplicates.incrementAndGet();
      }
      a.commitSync();
      ConsumerRecords<byte[], byte[]> fromB = b.poll(Duration.ofMillis(50));
      for (ConsumerRecord<byte[], byte[]> r : fromB) {
        bCount++;
        if (!seen.add(r.partition() + "/" + r.offset())) duplicates.incrementAndGet();
      }
      if (!fromB.isEmpty()) {
        asyncIssued++;
        b.commitAsync((offsets, err) -> {
          if (err != null) asyncError.set(err);
          else asyncCommits.incrementAndGet();
        });
      }
      aParts = partitionsOf(a.assignment());
      bParts = partitionsOf(b.assignment());
      if (!split && !aParts.isEmpty() && !bParts.isEmpty() && aParts.size() + bParts.size() == partitions) {
        split = true;
        Set<Integer> union = new HashSet<>(aParts);
        union.addAll(bParts);
        Driver.emit("step", "rebalanced", "a", aParts, "b", bParts, "union", union.size());
      }
    }
    // Async commit callbacks run in a later poll, commitSync or commitAsync of the same consumer.
    b.commitSync();
    long callbacksBy = System.currentTimeMillis() + 5_000;
    while (asyncCommits.get() + (asyncError.get() == null ? 0 : 1) < asyncIssued
        && System.currentTimeMillis() < callbacksBy) {
      b.poll(Duration.ofMillis(50));
    }
    Driver.emit(
        "step", "consumed", "distinct", seen.size(), "duplicates", duplicates.get(), "a", aCount, "b", bCount,
        "revocations", revocations.get(), "asyncCommits", asyncCommits.get(), "asyncIssued", asyncIssued,
        "asyncError", asyncError.get() == null ? null : asyncError.get().toString());
    a.close();
    b.close();

    Map<String, Long> committed = new TreeMap<>();
    try (Admin admin = Admin.create(common(bootstrap))) {
      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
          .forEach((tp, om) -> committed.put(String.valueOf(tp.partition()), om.offset()));
    }
    Driver.emit("step", "committed", "offsets", committed);

    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
      for (int i = 0; i < more; i++) producer.send(new ProducerRecord<>(topic, i % partitions, null, utf8("w" + i)));
    }
    Map<String, Long> firstOffsets = new TreeMap<>();
    int resumed = 0;
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, groupSettings)) {
      c.subscribe(List.of(topic));
      deadline = System.currentTimeMillis() + 20_000;
      while (resumed < more && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          resumed++;
          firstOffsets.putIfAbsent(String.valueOf(r.partition()), r.offset());
          values.add(text(r.value()));
        }
      }
      // Anything beyond the new records would show up in one more poll.
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
        resumed++;
        values.add(text(r.value()));
      }
      c.commitSync();
    }
    long oldValues = values.stream().filter(v -> v.startsWith("v")).count();
    Driver.emit("step", "resumed", "count", resumed, "firstOffsets", firstOffsets, "oldValues", oldValues);
  }

  /** seek <bootstrap> <topic>: assign + seek, offsetsForTimes, seekToEnd, seekToBeginning. */
  static void seek(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1);
    createTopic(bootstrap, topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    long base = System.currentTimeMillis() - 3_600_000;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
      for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, null, utf8("r" + i)));
    }
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, Map.of())) {
      c.assign(List.of(tp));
      Driver.emit(
          "step", "bounds", "beginning", c.beginningOffsets(List.of(tp)).get(tp), "end", c.endOffsets(List.of(tp)).get(tp));
      c.seek(tp, 42);
      ConsumerRecord<byte[], byte[]> firstAfterSeek = null;
      long deadline = System.currentTimeMillis() + 10_000;
      while (firstAfterSeek == null && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (firstAfterSeek == null) firstAfterSeek = r;
        }
      }
      Driver.emit(
          "step", "seek", "offset", firstAfterSeek == null ? null : firstAfterSeek.offset(),
          "value", firstAfterSeek == null ? null : text(firstAfterSeek.value()),
          "timestamp", firstAfterSeek == null ? null : firstAfterSeek.timestamp() - base);

      Map<TopicPartition, OffsetAndTimestamp> at = c.offsetsForTimes(Map.of(tp, base + 70_000L - 500));
      Map<TopicPartition, OffsetAndTimestamp> exact = c.offsetsForTimes(Map.of(tp, base + 30_000L));
      Map<TopicPartition, OffsetAndTimestamp> after = c.offsetsForTimes(Map.of(tp, base + 1_000_000L));
      Driver.emit(
          "step", "offsetsForTimes", "offset", at.get(tp).offset(), "timestamp", at.get(tp).timestamp() - base,
          "exactOffset", exact.get(tp).offset(), "afterEnd", after.get(tp));

      c.seekToEnd(List.of(tp));
      long end = c.position(tp);
      c.seekToBeginning(List.of(tp));
      long beginning = c.position(tp);
      c.seekToEnd(List.of(tp));
      c.position(tp);
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
        producer.send(new ProducerRecord<>(topic, 0, null, utf8("tail"))).get();
      }
      ConsumerRecord<byte[], byte[]> tail = null;
      deadline = System.currentTimeMillis() + 10_000;
      while (tail == null && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) if (tail == null) tail = r;
      }
      Driver.emit(
          "step", "seekToEnd", "end", end, "beginning", beginning, "tailOffset", tail == null ? null : tail.offset(),
          "tailValue", tail == null ? null : text(tail.value()));
    }
    // Out of range: past the end, and below the log start after deleteRecords. The broker answers
    // OFFSET_OUT_OF_RANGE and the consumer resets by auto.offset.reset (earliest here).
    try (Admin admin = Admin.create(common(bootstrap))) {
      admin.deleteRecords(Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(10))).all().get();
    }
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, Map.of())) {
      c.assign(List.of(tp));
      Long[] firstOffsets = new Long[2];
      long[] seekTo = {5_000, 3};
      for (int i = 0; i < 2; i++) {
        c.seek(tp, seekTo[i]);
        long deadline = System.currentTimeMillis() + 10_000;
        while (firstOffsets[i] == null && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) if (firstOffsets[i] == null) firstOffsets[i] = r.offset();
        }
      }
      Driver.emit("step", "outOfRange", "pastEnd", firstOffsets[0], "belowStart", firstOffsets[1],
          "beginning", c.beginningOffsets(List.of(tp)).get(tp));
    }
  }

  /**
   * edges <bootstrap> <topic>: what applications also do. A record over the topic's
   * max.message.bytes, acks=0 and acks=1, read_committed without transactions, commit metadata,
   * pause/resume, and the topic-id paths of the Admin client (describe and delete by id).
   */
  static void edges(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1);
    createTopic(bootstrap, topic, 2);
    TopicPartition p0 = new TopicPartition(topic, 0), p1 = new TopicPartition(topic, 1);

    String tooLarge = null;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of("max.request.size", 4 * 1024 * 1024))) {
      producer.send(new ProducerRecord<>(topic, 0, null, new byte[2 * 1024 * 1024])).get();
    } catch (java.util.concurrent.ExecutionException e) {
      tooLarge = e.getCause().getClass().getSimpleName();
    }
    Map<String, Object> offsetsByAcks = new TreeMap<>();
    for (String acks : List.of("0", "1", "all")) {
      Map<String, Object> settings = new HashMap<>();
      settings.put("acks", acks);
      if (!acks.equals("all")) settings.put("enable.idempotence", false);
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, settings)) {
        RecordMetadata last = null;
        for (int i = 0; i < 10; i++) last = producer.send(new ProducerRecord<>(topic, 1, null, utf8(acks + "-" + i))).get();
        offsetsByAcks.put(acks, last.hasOffset() ? last.offset() : -1L);
      }
    }
    Driver.emit("step", "produceEdges", "tooLarge", tooLarge, "lastOffsets", offsetsByAcks);

    Map<String, Object> committedSettings = new HashMap<>();
    committedSettings.put("isolation.level", "read_committed");
    committedSettings.put("group.id", topic + "-rc");
    committedSettings.put("enable.auto.commit", false);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, committedSettings)) {
      c.assign(List.of(p0, p1));
      c.seekToBeginning(List.of(p0, p1));
      c.pause(List.of(p0));
      long deadline = System.currentTimeMillis() + 10_000;
      while (values.size() < 30 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) values.add(r.partition() + ":" + text(r.value()));
      }
      boolean pausedDelivered = values.stream().anyMatch(v -> v.startsWith("0:"));
      c.resume(List.of(p0));
      c.commitSync(Map.of(p1, new org.apache.kafka.clients.consumer.OffsetAndMetadata(30, "kilgore-meta")));
      org.apache.kafka.clients.consumer.OffsetAndMetadata back = c.committed(java.util.Set.of(p1)).get(p1);
      Driver.emit("step", "consumeEdges", "values", values.size(), "first", values.isEmpty() ? null : values.get(0),
          "pausedDelivered", pausedDelivered, "committed", back.offset(), "metadata", back.metadata(),
          "position", c.position(p1), "topics", c.listTopics().containsKey(topic));
    }

    try (Admin admin = Admin.create(common(bootstrap))) {
      org.apache.kafka.common.Uuid id =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
      var byId = admin.describeTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get();
      String unknownId = null;
      try {
        admin.describeTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(org.apache.kafka.common.Uuid.randomUuid())))
            .allTopicIds().get();
      } catch (java.util.concurrent.ExecutionException e) {
        unknownId = e.getCause().getClass().getSimpleName();
      }
      admin.deleteTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).all().get();
      boolean gone = !admin.listTopics().names().get().contains(topic);
      Driver.emit("step", "adminById", "name", byId.get(id).name(), "partitions", byId.get(id).partitions().size(),
          "unknownId", unknownId, "deleted", gone);
    }
  }

  /**
   * cooperative <bootstrap> <topic>: a topic auto-created by the producer, two consumers that
   * subscribe by pattern with the cooperative-sticky assignor (incremental rebalances), then the
   * Admin client's group calls: listGroups, alterConsumerGroupOffsets, deleteConsumerGroupOffsets,
   * deleteConsumerGroups.
   */
  static void cooperative(List<String> args) throws Exception {
    String bootstrap = args.get(0), topic = args.get(1), group = topic + "-g";
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
      for (int i = 0; i < 60; i++) producer.send(new ProducerRecord<>(topic, utf8("k" + i), utf8("v" + i))).get();
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put("group.id", group);
    settings.put("group.protocol", "classic");
    settings.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    settings.put("heartbeat.interval.ms", 200);
    settings.put("enable.auto.commit", true);
    settings.put("auto.commit.interval.ms", 100);
    settings.put("metadata.max.age.ms", 500);
    List<Integer> revokedByA = new ArrayList<>();
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topic) + "(-more)?");
    try (KafkaConsumer<byte[], byte[]> a = consumer(bootstrap, settings);
        KafkaConsumer<byte[], byte[]> b = consumer(bootstrap, settings)) {
      a.subscribe(pattern, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
          for (TopicPartition tp : revoked) revokedByA.add(tp.partition());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {}
      });
      int got = 0;
      long deadline = System.currentTimeMillis() + 20_000;
      while (got < 60 && System.currentTimeMillis() < deadline) got += a.poll(Duration.ofMillis(100)).count();
      Set<Integer> alone = partitionsOf(a.assignment());
      // A second topic matching the pattern: both consumers pick it up from metadata.
      createTopic(bootstrap, topic + "-more", 2);
      b.subscribe(pattern);
      deadline = System.currentTimeMillis() + 30_000;
      Set<String> aTopics = Set.of(), bTopics = Set.of();
      while (System.currentTimeMillis() < deadline) {
        a.poll(Duration.ofMillis(50));
        b.poll(Duration.ofMillis(50));
        Set<String> at = new java.util.TreeSet<>(), bt = new java.util.TreeSet<>();
        for (TopicPartition tp : a.assignment()) at.add(tp.topic() + "/" + tp.partition());
        for (TopicPartition tp : b.assignment()) bt.add(tp.topic() + "/" + tp.partition());
        aTopics = at;
        bTopics = bt;
        if (!at.isEmpty() && !bt.isEmpty() && at.size() + bt.size() == 3) break;
      }
      a.commitSync();
      Driver.emit("step", "cooperative", "consumed", got, "alone", alone, "a", aTopics, "b", bTopics,
          "revokedByA", revokedByA);
    }
    try (Admin admin = Admin.create(common(bootstrap))) {
      List<String> listed = new ArrayList<>();
      for (var g : admin.listGroups().all().get()) {
        if (g.groupId().equals(group)) listed.add(g.groupId() + ":" + g.type().orElse(null) + ":" + g.protocol());
      }
      TopicPartition tp0 = new TopicPartition(topic, 0);
      admin.alterConsumerGroupOffsets(group, Map.of(tp0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(7))).all().get();
      long altered = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp0).offset();
      admin.deleteConsumerGroupOffsets(group, Set.of(tp0)).all().get();
      boolean offsetGone = !admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().containsKey(tp0);
      admin.deleteConsumerGroups(List.of(group)).all().get();
      boolean groupGone = admin.listGroups().all().get().stream().noneMatch(g -> g.groupId().equals(group));
      Driver.emit("step", "groupAdmin", "listed", listed, "altered", altered, "offsetDeleted", offsetGone,
          "groupDeleted", groupGone);
    }
  }
}
