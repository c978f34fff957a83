import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Share groups (KIP-932) with the Java client's KafkaShareConsumer: several consumers on one
 * partition, each record's deliveries counted by offset. A policy decides what each consumer does
 * with a record: accept it (implicit mode), or in explicit mode release some once, reject some,
 * or keep releasing one offset to run into the delivery count limit.
 */
public final class ShareGroups {
  private ShareGroups() {}

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("produce", ShareGroups::produce);
    scenarios.put("consume", ShareGroups::consume);
    scenarios.put("admin", ShareGroups::admin);
    scenarios.put("hold", ShareGroups::hold);
    scenarios.put("alterOffsets", ShareGroups::alterOffsets);
    scenarios.put("benchProduce", ShareGroups::benchProduce);
    scenarios.put("benchClassic", ShareGroups::benchClassic);
    scenarios.put("benchShare", ShareGroups::benchShare);
    Driver.serve(scenarios);
  }

  /** args: bootstrap, topic, records. Creates the topic (one partition) if needed. */
  static void produce(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    int records = Integer.parseInt(args.get(2));
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
    }
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    pp.put("linger.ms", "5");
    try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
      // Flushed every 10 records: small batches, so consumers can share them (a share consumer
      // acquires whole batches).
      for (int i = 0; i < records; i++) {
        prod.send(new ProducerRecord<>(topic, 0, null, "v" + i));
        if (i % 10 == 9) prod.flush();
      }
      prod.flush();
    }
    Driver.emit("step", "produced", "records", records);
  }

  static KafkaShareConsumer<String, String> consumer(String bootstrap, String group, boolean explicit) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("share.acknowledgement.mode", explicit ? "explicit" : "implicit");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("max.poll.records", "50");
    return new KafkaShareConsumer<>(p);
  }

  /**
   * args: bootstrap, topic, group, consumers, policy, expected, timeoutMs[, pauseMs per batch,
   * default 20]. Policies: "accept"
   * (implicit mode); "mixed" (offset % 5 == 0 released on its first delivery, % 5 == 1 rejected,
   * the rest accepted); "release:N" (offset N released on every delivery, the rest accepted);
   * "stall" (implicit mode; consumer c0 stops polling after its first batch, never acknowledging it).
   * Runs until `expected` offsets are done and nothing new arrived for 3 s, or the timeout.
   */
  static void consume(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    String group = args.get(2);
    int consumers = Integer.parseInt(args.get(3));
    String policy = args.get(4);
    int expected = Integer.parseInt(args.get(5));
    long timeoutMs = Long.parseLong(args.get(6));
    long pauseMs = args.size() > 7 ? Long.parseLong(args.get(7)) : 20;
    boolean explicit = !policy.equals("accept") && !policy.equals("stall");
    boolean stall = policy.equals("stall");
    // With "stall", the others start once c0 holds its batch, so c0 surely gets one.
    java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(stall ? 1 : 0);
    long alwaysRelease = policy.startsWith("release:") ? Long.parseLong(policy.substring(8)) : -1;

    Map<Long, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    Map<Long, Integer> maxDeliveryCount = new ConcurrentHashMap<>();
    Map<Long, String> outcome = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> perConsumer = new ConcurrentHashMap<>();
    // Offsets whose accept or reject the broker confirmed (commitSync answered without error):
    // those must never be delivered again, whatever happens to the broker afterwards.
    Map<Long, String> confirmed = new ConcurrentHashMap<>();
    AtomicInteger pollErrors = new AtomicInteger();
    List<Long> afterConfirmed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong lastNews = new AtomicLong(System.currentTimeMillis());
    long start = System.currentTimeMillis();
    java.util.function.BooleanSupplier finished = () -> {
      long now = System.currentTimeMillis();
      if (now - start > timeoutMs) return true;
      return outcome.size() >= expected && now - lastNews.get() > 3000;
    };

    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      String name = "c" + c;
      perConsumer.put(name, new AtomicInteger());
      Thread t = new Thread(() -> {
        try (KafkaShareConsumer<String, String> sc = consumer(bootstrap, group, explicit)) {
          if (!name.equals("c0")) stalled.await(30, java.util.concurrent.TimeUnit.SECONDS);
          sc.subscribe(List.of(topic));
          while (!finished.getAsBoolean()) {
            org.apache.kafka.clients.consumer.ConsumerRecords<String, String> batch;
            try {
              batch = sc.poll(Duration.ofMillis(200));
            } catch (org.apache.kafka.common.KafkaException e) {
              // A broker restart surfaces here (failed acknowledgements, lost sessions): carry on.
              pollErrors.incrementAndGet();
              Thread.sleep(100);
              continue;
            }
            Map<Long, String> decided = new HashMap<>();
            boolean stallNow = stall && name.equals("c0") && !batch.isEmpty();
            for (ConsumerRecord<String, String> r : batch) {
              long off = r.offset();
              if (confirmed.containsKey(off)) afterConfirmed.add(off);
              int n = deliveries.computeIfAbsent(off, k -> new AtomicInteger()).incrementAndGet();
              int dc = r.deliveryCount().map(Short::intValue).orElse(-1);
              maxDeliveryCount.merge(off, dc, Math::max);
              perConsumer.get(name).incrementAndGet();
              lastNews.set(System.currentTimeMillis());
              if (stallNow) continue;
              if (!explicit) {
                outcome.put(off, "accepted");
                continue;
              }
              AcknowledgeType type;
              if (off == alwaysRelease) type = AcknowledgeType.RELEASE;
              else if (alwaysRelease < 0 && off % 5 == 0 && n == 1) type = AcknowledgeType.RELEASE;
              else if (alwaysRelease < 0 && off % 5 == 1) type = AcknowledgeType.REJECT;
              else type = AcknowledgeType.ACCEPT;
              sc.acknowledge(r, type);
              if (type == AcknowledgeType.ACCEPT) decided.put(off, "accepted");
              else if (type == AcknowledgeType.REJECT) decided.put(off, "rejected");
              if (type == AcknowledgeType.ACCEPT) outcome.put(off, "accepted");
              else if (type == AcknowledgeType.REJECT) outcome.put(off, "rejected");
              else if (off == alwaysRelease) outcome.put(off, "released");
            }
            if (explicit && !batch.isEmpty()) {
              try {
                var results = sc.commitSync();
                if (results.values().stream().allMatch(java.util.Optional::isEmpty)) confirmed.putAll(decided);
              } catch (org.apache.kafka.common.KafkaException e) {
                pollErrors.incrementAndGet();
              }
            }
            if (!batch.isEmpty()) Thread.sleep(pauseMs); // some work per batch, so the others get a turn
            // Holds its batch unacknowledged: the client keeps heartbeating, the lock expires.
            if (stallNow) stalled.countDown();
            while (stallNow && !finished.getAsBoolean()) Thread.sleep(100);
            if (stallNow) return;
          }
          // Implicit mode: close() would release what the last poll delivered; this accepts it.
          if (!explicit) sc.commitSync();
        } catch (Exception e) {
          errors.add(name + ": " + e);
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    Map<String, Integer> counts = new TreeMap<>();
    int distinct = 0;
    int redelivered = 0;
    for (var e : deliveries.entrySet()) {
      distinct++;
      if (e.getValue().get() > 1) redelivered++;
    }
    Map<String, Integer> deliveredOf = new TreeMap<>();
    for (var e : deliveries.entrySet()) deliveredOf.put(String.valueOf(e.getKey()), e.getValue().get());
    Map<String, Integer> dcOf = new TreeMap<>();
    for (var e : maxDeliveryCount.entrySet()) dcOf.put(String.valueOf(e.getKey()), e.getValue());
    for (var e : perConsumer.entrySet()) counts.put(e.getKey(), e.getValue().get());
    Driver.emit("step", "consumed", "distinct", distinct, "redelivered", redelivered, "perConsumer", counts,
        "deliveries", deliveredOf, "deliveryCounts", dcOf, "errors", errors,
        "confirmed", confirmed.size(), "deliveredAfterConfirmed", afterConfirmed, "pollErrors", pollErrors.get(),
        "elapsedMs", System.currentTimeMillis() - start, "lastDeliveryAtMs", lastNews.get() - start);
  }

  /**
   * args: bootstrap, topic, group, records. Two consumers (implicit mode) take every record of the
   * topic; while both are still members, the Admin client lists the group by type, describes it
   * and lists its share-partition start offsets.
   */
  static void admin(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    String group = args.get(2);
    int records = Integer.parseInt(args.get(3));
    List<KafkaShareConsumer<String, String>> members = new ArrayList<>();
    int seen = 0;
    try {
      for (int i = 0; i < 2; i++) {
        KafkaShareConsumer<String, String> c = consumer(bootstrap, group, false);
        c.subscribe(List.of(topic));
        members.add(c);
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (seen < records && System.currentTimeMillis() < deadline) {
        for (var c : members) seen += c.poll(Duration.ofMillis(100)).count();
      }
      // Accepts what the last polls delivered (implicit mode), and waits for the broker's answer.
      for (var c : members) c.commitSync();
      Properties ap = new Properties();
      ap.put("bootstrap.servers", bootstrap);
      try (Admin admin = Admin.create(ap)) {
        var listed = admin.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forShareGroups()).all().get();
        var listing = listed.stream().filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
        var desc = admin.describeShareGroups(List.of(group)).all().get().get(group);
        var spec = new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec();
        var offsets = admin.listShareGroupOffsets(Map.of(group, spec)).partitionsToOffsetAndMetadata(group).get();
        Map<String, Long> startOffsets = new TreeMap<>();
        for (var e : offsets.entrySet()) startOffsets.put(e.getKey().toString(), e.getValue() == null ? -1 : e.getValue().offset());
        List<String> memberAssignments = new ArrayList<>();
        for (var m : desc.members()) memberAssignments.add(m.assignment().topicPartitions().toString());
        Driver.emit("step", "admin", "seen", seen, "listedType", String.valueOf(listing.type().orElse(null)),
            "listedState", String.valueOf(listing.groupState().orElse(null)),
            "describedState", String.valueOf(desc.groupState()), "groupEpoch", desc.groupEpoch(),
            "members", desc.members().size(), "assignments", memberAssignments, "startOffsets", startOffsets);
      }
    } finally {
      for (var c : members) c.close();
    }
  }

  /**
   * args: bootstrap, group, topic, to ("earliest", "latest" or an offset). Admin.alterShareGroupOffsets
   * for every partition of the topic, the earliest/latest offsets looked up with listOffsets first,
   * as `kafka-share-groups --reset-offsets --execute` does in Kafka 4.2 (4.1.1's tool lacks it).
   */
  static void alterOffsets(List<String> args) throws Exception {
    String group = args.get(1);
    String topic = args.get(2);
    String to = args.get(3);
    Properties ap = new Properties();
    ap.put("bootstrap.servers", args.get(0));
    try (Admin admin = Admin.create(ap)) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<org.apache.kafka.common.TopicPartition, Long> offsets = new HashMap<>();
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        var tp = new org.apache.kafka.common.TopicPartition(topic, p);
        if (to.equals("earliest")) specs.put(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest());
        else if (to.equals("latest")) specs.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
        else offsets.put(tp, Long.parseLong(to));
      }
      if (!specs.isEmpty()) {
        for (var e : admin.listOffsets(specs).all().get().entrySet()) offsets.put(e.getKey(), e.getValue().offset());
      }
      var result = admin.alterShareGroupOffsets(group, offsets);
      Map<String, String> outcome = new TreeMap<>();
      for (var tp : offsets.keySet()) {
        try {
          result.partitionResult(tp).get();
          outcome.put(tp.toString(), "ok " + offsets.get(tp));
        } catch (java.util.concurrent.ExecutionException e) {
          outcome.put(tp.toString(), e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
        }
      }
      Driver.emit("step", "altered", "partitions", outcome);
    }
  }

  /** args: bootstrap, topic, records, recordBytes. One partition, written as fast as the producer goes. */
  static void benchProduce(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    int records = Integer.parseInt(args.get(2));
    int size = Integer.parseInt(args.get(3));
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    pp.put("linger.ms", "5");
    pp.put("batch.size", "65536");
    pp.put("acks", "1");
    byte[] value = new byte[size];
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> prod = new KafkaProducer<>(pp)) {
      for (int i = 0; i < records; i++) prod.send(new ProducerRecord<>(topic, 0, null, value));
      prod.flush();
    }
    Driver.emit("step", "produced", "records", records, "seconds", (System.nanoTime() - start) / 1e9);
  }

  /** args: bootstrap, topic, records. The baseline: one classic consumer reads the partition from the start. */
  static void benchClassic(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    int records = Integer.parseInt(args.get(2));
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
    try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long start = System.nanoTime();
      int n = 0;
      long deadline = System.currentTimeMillis() + 120_000;
      while (n < records && System.currentTimeMillis() < deadline) n += c.poll(Duration.ofMillis(200)).count();
      double seconds = (System.nanoTime() - start) / 1e9;
      Driver.emit("step", "classic", "records", n, "seconds", seconds, "recordsPerSecond", n / seconds);
    }
  }

  /**
   * args: bootstrap, topic, group, records, consumers. That many share consumers (implicit
   * acknowledgement, the default) take the whole partition; timed from the first record any of
   * them gets to the last, and checked: every offset exactly once.
   */
  static void benchShare(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    String group = args.get(2);
    int records = Integer.parseInt(args.get(3));
    int consumers = Integer.parseInt(args.get(4));
    var seen = new java.util.concurrent.atomic.AtomicIntegerArray(records);
    AtomicInteger total = new AtomicInteger();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.currentTimeMillis() + 180_000;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      Thread t = new Thread(() -> {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var sc = new KafkaShareConsumer<String, byte[]>(p)) {
          sc.subscribe(List.of(topic));
          while (total.get() < records && System.currentTimeMillis() < deadline) {
            var batch = sc.poll(Duration.ofMillis(100));
            if (batch.isEmpty()) continue;
            first.compareAndSet(0, System.nanoTime());
            for (var r : batch) {
              if (r.offset() < records) seen.incrementAndGet((int) r.offset());
            }
            total.addAndGet(batch.count());
            last.set(System.nanoTime());
          }
          // Implicit mode: close() releases what the last poll delivered; commitSync accepts it.
          sc.commitSync();
        } catch (Exception e) {
          errors.add(e.toString());
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    int once = 0;
    int twice = 0;
    for (int i = 0; i < records; i++) {
      if (seen.get(i) == 1) once++;
      else if (seen.get(i) > 1) twice++;
    }
    double seconds = (last.get() - first.get()) / 1e9;
    Driver.emit("step", "share", "records", total.get(), "exactlyOnce", once, "moreThanOnce", twice,
        "seconds", seconds, "recordsPerSecond", total.get() / seconds, "errors", errors);
  }

  /** args: bootstrap, topic, group, ms. Two consumers stay members (polling, accepting) that long. */
  static void hold(List<String> args) throws Exception {
    long until = System.currentTimeMillis() + Long.parseLong(args.get(3));
    List<KafkaShareConsumer<String, String>> members = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        KafkaShareConsumer<String, String> c = consumer(args.get(0), args.get(2), false);
        c.subscribe(List.of(args.get(1)));
        members.add(c);
      }
      while (System.currentTimeMillis() < until) {
        for (var c : members) c.poll(Duration.ofMillis(100));
      }
      for (var c : members) c.commitSync();
    } finally {
      for (var c : members) c.close();
    }
    Driver.emit("step", "held");
  }
}
