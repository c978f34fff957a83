import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client with group.protocol=consumer (KIP-848): three members join and leave one group
 * while a producer writes; each commits synchronously after processing what a poll returned, so a
 * record may be consumed again only if it was not committed. The scenario reports every
 * (partition, offset) seen more than once and every produced one never seen.
 */
public final class ConsumerProtocol {
  private ConsumerProtocol() {}

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("churn", ConsumerProtocol::churn);
    scenarios.put("restart", ConsumerProtocol::restart);
    Driver.serve(scenarios);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String assignor) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("group.protocol", "consumer");
    p.put("group.remote.assignor", assignor);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /** args: bootstrap, topic, group, assignor, records. */
  static void churn(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    String group = args.get(2);
    String assignor = args.get(3);
    int records = Integer.parseInt(args.get(4));
    int partitions = 6;
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Set<String> produced = ConcurrentHashMap.newKeySet();
    AtomicInteger rebalances = new AtomicInteger();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    Thread producer = new Thread(() -> {
      Properties pp = new Properties();
      pp.put("bootstrap.servers", bootstrap);
      pp.put("key.serializer", StringSerializer.class.getName());
      pp.put("value.serializer", StringSerializer.class.getName());
      pp.put("acks", "all");
      try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
        for (int i = 0; i < records; i++) {
          var md = prod.send(new ProducerRecord<>(topic, i % partitions, null, "v" + i)).get();
          produced.add(md.partition() + "/" + md.offset());
          if (i % 50 == 0) Thread.sleep(20);
        }
      } catch (Exception e) {
        errors.add("producer: " + e);
      }
    });
    producer.start();

    // Member lifetimes in ms from the start: A all along, B joins and leaves, C joins late.
    long[][] lifetimes = { { 0, -1 }, { 1500, 5000 }, { 3000, -1 } };
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> members = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (int m = 0; m < lifetimes.length; m++) {
      final long from = lifetimes[m][0];
      final long until = lifetimes[m][1];
      final String name = "m" + m;
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(from);
          try (KafkaConsumer<String, String> c = consumer(bootstrap, group, assignor)) {
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
              public void onPartitionsRevoked(Collection<TopicPartition> parts) { rebalances.incrementAndGet(); }
              public void onPartitionsAssigned(Collection<TopicPartition> parts) {}
            });
            while (!stop.get() && (until < 0 || System.currentTimeMillis() - start < until)) {
              var batch = c.poll(Duration.ofMillis(200));
              for (ConsumerRecord<String, String> r : batch) seen.merge(r.partition() + "/" + r.offset(), 1, Integer::sum);
              if (!batch.isEmpty()) c.commitSync();
            }
          }
        } catch (Exception e) {
          errors.add(name + ": " + e);
        }
      });
      t.start();
      members.add(t);
    }
    producer.join();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && !seen.keySet().containsAll(produced)) Thread.sleep(100);
    if (System.currentTimeMillis() - start < 7000) Thread.sleep(7000 - (System.currentTimeMillis() - start));
    // While two members (m0, m2) are in: how the Admin client sees the group.
    try (Admin admin = Admin.create(ap)) {
      var listing = admin.listGroups().all().get().stream().filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
      var desc = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      Driver.emit("step", "admin", "listedType", String.valueOf(listing.type().orElse(null)),
          "describedType", String.valueOf(desc.type()), "assignor", desc.partitionAssignor(),
          "members", desc.members().size(), "state", String.valueOf(desc.groupState()));
    }
    stop.set(true);
    for (Thread t : members) t.join();
    List<String> missing = new ArrayList<>();
    for (String k : produced) if (!seen.containsKey(k)) missing.add(k);
    List<String> twice = new ArrayList<>();
    for (var e : seen.entrySet()) if (e.getValue() > 1) twice.add(e.getKey());
    Driver.emit("step", "churn", "produced", produced.size(), "distinct", seen.size(), "missing", missing.size(),
        "duplicates", twice.size(), "revocations", rebalances.get(), "errors", errors);
  }

  /**
   * args: bootstrap, topic, group, dir, records. Two members consume what a producer writes,
   * committing after each poll. Once they have everything of the first half they report their
   * member ids, epochs and assignments, create dir/phase1 and wait for dir/restarted (the test
   * kills the broker with kill -9 and starts it again meanwhile); then the second half is
   * produced and consumed. Reports both views and every rebalance callback between the two (not
   * those of closing).
   */
  static void restart(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    String group = args.get(2);
    java.nio.file.Path dir = java.nio.file.Path.of(args.get(3));
    int records = Integer.parseInt(args.get(4));
    int partitions = 4;
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Set<String> produced = ConcurrentHashMap.newKeySet();
    Map<String, String> views = new ConcurrentHashMap<>();
    List<String> callbacksAfter = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean phase1 = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> members = new ArrayList<>();
    for (int m = 0; m < 2; m++) {
      final String name = "m" + m;
      Thread t = new Thread(() -> {
        try (KafkaConsumer<String, String> c = consumer(bootstrap, group, "uniform")) {
          c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            public void onPartitionsRevoked(Collection<TopicPartition> parts) {
              if (phase1.get() && !stop.get() && !parts.isEmpty()) callbacksAfter.add(name + " revoked " + parts);
            }
            public void onPartitionsAssigned(Collection<TopicPartition> parts) {
              if (phase1.get() && !stop.get() && !parts.isEmpty()) callbacksAfter.add(name + " assigned " + parts);
            }
            public void onPartitionsLost(Collection<TopicPartition> parts) {
              if (phase1.get() && !stop.get() && !parts.isEmpty()) callbacksAfter.add(name + " lost " + parts);
            }
          });
          while (!stop.get()) {
            var batch = c.poll(Duration.ofMillis(200));
            for (ConsumerRecord<String, String> r : batch) seen.merge(r.partition() + "/" + r.offset(), 1, Integer::sum);
            if (!batch.isEmpty()) c.commitSync(Duration.ofSeconds(60));
            var md = c.groupMetadata();
            List<String> owned = new ArrayList<>();
            for (TopicPartition tp : c.assignment()) owned.add(String.valueOf(tp.partition()));
            java.util.Collections.sort(owned);
            views.put(name, md.memberId() + " epoch " + md.generationId() + " owns " + owned);
          }
        } catch (Exception e) {
          errors.add(name + ": " + e);
        }
      });
      t.start();
      members.add(t);
    }
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    pp.put("acks", "all");
    pp.put("delivery.timeout.ms", "120000");
    try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
      for (int i = 0; i < records / 2; i++) {
        var md = prod.send(new ProducerRecord<>(topic, i % partitions, null, "v" + i)).get();
        produced.add(md.partition() + "/" + md.offset());
      }
      // Phase 1 ends once everything is consumed and both members own two partitions each.
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline
          && !(seen.keySet().containsAll(produced) && views.size() == 2
              && views.values().stream().allMatch(v -> v.matches(".* owns \\[\\d, \\d\\]")))) {
        Thread.sleep(100);
      }
      Thread.sleep(1500); // the last commits and a heartbeat or two settle
      Map<String, String> before = new java.util.TreeMap<>(views);
      Driver.emit("step", "before", "views", before, "seen", seen.size());
      phase1.set(true);
      java.nio.file.Files.createFile(dir.resolve("phase1"));
      while (!java.nio.file.Files.exists(dir.resolve("restarted"))) Thread.sleep(50);
      for (int i = records / 2; i < records; i++) {
        var md = prod.send(new ProducerRecord<>(topic, i % partitions, null, "v" + i)).get();
        produced.add(md.partition() + "/" + md.offset());
      }
    }
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && !seen.keySet().containsAll(produced)) Thread.sleep(100);
    Thread.sleep(1500);
    Driver.emit("step", "after", "views", new java.util.TreeMap<>(views));
    stop.set(true);
    for (Thread t : members) t.join();
    List<String> missing = new ArrayList<>();
    for (String k : produced) if (!seen.containsKey(k)) missing.add(k);
    List<String> twice = new ArrayList<>();
    for (var e : seen.entrySet()) if (e.getValue() > 1) twice.add(e.getKey());
    Driver.emit("step", "restart", "produced", produced.size(), "distinct", seen.size(), "missing", missing.size(),
        "duplicates", twice, "callbacksAfterPhase1", callbacksAfter, "errors", errors);
  }
}
