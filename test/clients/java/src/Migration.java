import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Online migration of a group between group.protocol=classic and =consumer (KIP-848 upgrade and
 * downgrade), the way an operator rolls it out: one member at a time is closed and started again
 * with the other protocol, while a producer keeps writing. Every member commits synchronously
 * after each poll and when partitions are revoked, so no record may be seen twice.
 */
public final class Migration {
  private Migration() {}

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("rolling", Migration::rolling);
    scenarios.put("mixed", Migration::mixed);
    scenarios.put("restart", Migration::restart);
    scenarios.put("refused", Migration::refused);
    scenarios.put("static", Migration::staticSwap);
    Driver.serve(scenarios);
  }

  /** The classic members' partition.assignment.strategy (an eager one by default, as the client's). */
  static volatile String classicAssignor = "range";

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String protocol, String instance) {
    return consumer(bootstrap, group, protocol, instance, null);
  }

  static KafkaConsumer<String, String> consumer(
      String bootstrap, String group, String protocol, String instance, String groupInstanceId) {
    Properties p = new Properties();
    if (groupInstanceId != null) p.put("group.instance.id", groupInstanceId);
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("group.protocol", protocol);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("client.id", instance);
    if (protocol.equals("classic")) {
      // The consumer protocol takes both from the broker (group.consumer.*).
      p.put("heartbeat.interval.ms", "500");
      p.put("session.timeout.ms", "10000");
      p.put("partition.assignment.strategy", classicAssignor.equals("cooperative-sticky")
          ? "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
          : "org.apache.kafka.clients.consumer.RangeAssignor");
    }
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** The group's type as ListGroups reports it (Classic, Consumer), or "absent". */
  static String groupType(String bootstrap, String group) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      return admin.listGroups().all().get().stream().filter(g -> g.groupId().equals(group)).findFirst()
          .map(g -> String.valueOf(g.type().orElse(null))).orElse("absent");
    }
  }

  /**
   * A consumer group's members as describeConsumerGroups reports them: how many of them speak
   * the consumer protocol ("upgraded"), e.g. "1/3 upgraded".
   */
  static String upgraded(String bootstrap, String group) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      var members = admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
      long n = members.stream().filter(m -> m.upgraded().orElse(false)).count();
      return n + "/" + members.size() + " upgraded";
    }
  }

  /** One member: polls, counts what it sees and commits, until told to stop; then closes (LeaveGroup). */
  static final class Member implements Runnable {
    final String bootstrap, group, protocol, name;
    /** group.instance.id, for a static member; null for a dynamic one. */
    String instanceId;
    final Map<String, Integer> seen;
    final List<String> errors;
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread = new Thread(this);
    volatile int owned = -1;
    /** "<member id> generation <n> owns [partitions]" after each poll. */
    volatile String view = "";
    /** Set: rebalance callbacks are recorded in `callbacks` from now on. */
    final AtomicBoolean watching = new AtomicBoolean();
    final List<String> callbacks = java.util.Collections.synchronizedList(new ArrayList<>());

    Member(String bootstrap, String group, String protocol, String name, Map<String, Integer> seen, List<String> errors) {
      this.bootstrap = bootstrap;
      this.group = group;
      this.protocol = protocol;
      this.name = name;
      this.seen = seen;
      this.errors = errors;
    }

    public void run() {
      try (KafkaConsumer<String, String> c = consumer(bootstrap, group, protocol, name, instanceId)) {
        c.subscribe(List.of(topicOf(group)), new ConsumerRebalanceListener() {
          public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            if (!parts.isEmpty()) c.commitSync(Duration.ofSeconds(30));
            note("revoked", parts);
          }
          public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            note("assigned", parts);
          }
          public void onPartitionsLost(Collection<TopicPartition> parts) {
            note("lost", parts);
          }
        });
        boolean uncommitted = false;
        while (!stop.get()) {
          var batch = c.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : batch) seen.merge(r.partition() + "/" + r.offset(), 1, Integer::sum);
          if (!batch.isEmpty()) uncommitted = true;
          if (uncommitted) {
            try {
              c.commitSync(Duration.ofSeconds(30));
              uncommitted = false;
            } catch (RebalanceInProgressException e) {
              // A cooperative member keeps consuming while it rejoins and may not commit until the
              // rebalance completes (the client's rule, as with Kafka): the next poll finishes it,
              // a revocation commits what it gives up, and the next commit covers the rest.
            }
          }
          owned = c.assignment().size();
          List<Integer> ps = new ArrayList<>();
          for (TopicPartition tp : c.assignment()) ps.add(tp.partition());
          java.util.Collections.sort(ps);
          view = c.groupMetadata().memberId() + " generation " + c.groupMetadata().generationId() + " owns " + ps;
        }
      } catch (Exception e) {
        errors.add(name + " (" + protocol + "): " + e);
      }
    }

    void note(String what, Collection<TopicPartition> parts) {
      if (watching.get() && !stop.get() && !parts.isEmpty()) callbacks.add(name + " " + what + " " + parts);
    }

    void halt() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  static String topicOf(String group) {
    return group + "-t";
  }

  /**
   * args: bootstrap, group, records, phaseMs, classic assignor (range: eager, the members give
   * everything up at each rejoin; cooperative-sticky: only what moves). Three classic members; then each in turn is
   * restarted with group.protocol=consumer (upgrade), then each in turn back to classic
   * (downgrade). Reports the group's type after each step and what was consumed.
   */
  static void rolling(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String group = args.get(1);
    int records = Integer.parseInt(args.get(2));
    long phaseMs = Long.parseLong(args.get(3));
    classicAssignor = args.get(4);
    int partitions = 6;
    createTopic(bootstrap, topicOf(group), partitions);
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Set<String> produced = ConcurrentHashMap.newKeySet();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer = new Thread(() -> {
      Properties pp = new Properties();
      pp.put("bootstrap.servers", bootstrap);
      pp.put("key.serializer", StringSerializer.class.getName());
      pp.put("value.serializer", StringSerializer.class.getName());
      pp.put("acks", "all");
      try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
        for (int i = 0; i < records && producing.get(); i++) {
          var md = prod.send(new ProducerRecord<>(topicOf(group), i % partitions, null, "v" + i)).get();
          produced.add(md.partition() + "/" + md.offset());
          Thread.sleep(phaseMs * 8 / records);
        }
      } catch (Exception e) {
        errors.add("producer: " + e);
      }
    });
    producer.start();
    Member[] members = new Member[3];
    for (int i = 0; i < 3; i++) {
      members[i] = new Member(bootstrap, group, "classic", "m" + i, seen, errors);
      members[i].thread.start();
    }
    List<String> steps = new ArrayList<>();
    Thread.sleep(phaseMs);
    steps.add("start: " + groupType(bootstrap, group));
    for (String protocol : List.of("consumer", "classic")) {
      for (int i = 0; i < 3; i++) {
        members[i].halt();
        members[i] = new Member(bootstrap, group, protocol, "m" + i, seen, errors);
        members[i].thread.start();
        Thread.sleep(phaseMs);
        String type = groupType(bootstrap, group);
        steps.add("m" + i + " " + protocol + ": " + type + (type.equals("Consumer") ? " " + upgraded(bootstrap, group) : ""));
      }
    }
    producer.join();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && !seen.keySet().containsAll(produced)) Thread.sleep(100);
    List<Integer> owned = new ArrayList<>();
    for (Member m : members) owned.add(m.owned);
    for (Member m : members) m.halt();
    List<String> missing = new ArrayList<>();
    for (String k : produced) if (!seen.containsKey(k)) missing.add(k);
    List<String> twice = new ArrayList<>();
    for (var e : seen.entrySet()) if (e.getValue() > 1) twice.add(e.getKey());
    Driver.emit("step", "rolling", "produced", produced.size(), "distinct", seen.size(), "missing", missing,
        "duplicates", twice, "steps", steps, "owned", owned, "errors", errors);
  }

  /**
   * args: bootstrap, group, protocol, count, dir. Starts `count` members with that protocol on
   * the group's topic (created by the caller), creates dir/ready once each owns a partition, and
   * keeps them running until dir/release exists: the group is held while other clients join it.
   * Reports the group type when ready, and at the end the type and each member's partition count.
   */
  static void mixed(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String group = args.get(1);
    String protocol = args.get(2);
    int count = Integer.parseInt(args.get(3));
    java.nio.file.Path dir = java.nio.file.Path.of(args.get(4));
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Member m = new Member(bootstrap, group, protocol, "j" + i, seen, errors);
      m.thread.start();
      members.add(m);
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && !members.stream().allMatch(m -> m.owned > 0)) {
      Thread.sleep(100);
    }
    Driver.emit("step", "ready", "type", groupType(bootstrap, group));
    java.nio.file.Files.createFile(dir.resolve("ready"));
    while (!java.nio.file.Files.exists(dir.resolve("release"))) Thread.sleep(100);
    List<Integer> owned = new ArrayList<>();
    for (Member m : members) owned.add(m.owned);
    String type = groupType(bootstrap, group);
    for (Member m : members) m.halt();
    Driver.emit("step", "mixed", "owned", owned, "type", type, "seen", seen.size(), "errors", errors);
  }

  /**
   * args: bootstrap, group, dir, records. Mid-migration: two classic members, then one with
   * group.protocol=consumer (the group is upgraded), consuming the first half of the records.
   * Once settled (two partitions each) the members' views and the group type are reported,
   * dir/phase1 is created and dir/restarted awaited (the test kills the broker with kill -9 and
   * starts it again); then the second half is produced and consumed. Reports both views, every
   * rebalance callback after phase 1 and what was consumed.
   */
  static void restart(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String group = args.get(1);
    java.nio.file.Path dir = java.nio.file.Path.of(args.get(2));
    int records = Integer.parseInt(args.get(3));
    int partitions = 6;
    createTopic(bootstrap, topicOf(group), partitions);
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Set<String> produced = ConcurrentHashMap.newKeySet();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Member> members = new ArrayList<>();
    for (String protocol : List.of("classic", "classic", "consumer")) {
      Member m = new Member(bootstrap, group, protocol, "m" + members.size(), seen, errors);
      m.thread.start();
      members.add(m);
      Thread.sleep(2000);
    }
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    pp.put("acks", "all");
    pp.put("delivery.timeout.ms", "120000");
    try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
      for (int i = 0; i < records / 2; i++) {
        var md = prod.send(new ProducerRecord<>(topicOf(group), i % partitions, null, "v" + i)).get();
        produced.add(md.partition() + "/" + md.offset());
      }
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline
          && !(seen.keySet().containsAll(produced)
              && members.stream().allMatch(m -> m.view.matches(".* owns \\[\\d, \\d\\]")))) {
        Thread.sleep(100);
      }
      Thread.sleep(1500); // the last commits and a heartbeat or two settle
      Map<String, String> before = new java.util.TreeMap<>();
      for (Member m : members) before.put(m.name, m.view);
      Driver.emit("step", "before", "views", before, "type", groupType(bootstrap, group));
      for (Member m : members) m.watching.set(true);
      java.nio.file.Files.createFile(dir.resolve("phase1"));
      while (!java.nio.file.Files.exists(dir.resolve("restarted"))) Thread.sleep(50);
      for (int i = records / 2; i < records; i++) {
        var md = prod.send(new ProducerRecord<>(topicOf(group), i % partitions, null, "v" + i)).get();
        produced.add(md.partition() + "/" + md.offset());
      }
    }
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && !seen.keySet().containsAll(produced)) Thread.sleep(100);
    Thread.sleep(1500);
    Map<String, String> after = new java.util.TreeMap<>();
    for (Member m : members) after.put(m.name, m.view);
    Driver.emit("step", "after", "views", after, "type", groupType(bootstrap, group));
    List<String> callbacks = new ArrayList<>();
    for (Member m : members) callbacks.addAll(m.callbacks);
    for (Member m : members) m.halt();
    List<String> missing = new ArrayList<>();
    for (String k : produced) if (!seen.containsKey(k)) missing.add(k);
    List<String> twice = new ArrayList<>();
    for (var e : seen.entrySet()) if (e.getValue() > 1) twice.add(e.getKey());
    Driver.emit("step", "restart", "produced", produced.size(), "distinct", seen.size(), "missing", missing.size(),
        "duplicates", twice, "callbacksAfterPhase1", callbacks, "errors", errors);
  }

  /**
   * args: bootstrap, group. One group.protocol=consumer member tries to join a group that other
   * clients hold with the classic protocol; reports the error its poll ends with, or "none"
   * once it was assigned partitions (15 s at most).
   */
  static void refused(List<String> args) throws Exception {
    String error = "none";
    int owned = 0;
    try (KafkaConsumer<String, String> c = consumer(args.get(0), args.get(1), "consumer", "refused")) {
      c.subscribe(List.of(topicOf(args.get(1))));
      long deadline = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < deadline && owned == 0) {
        c.poll(Duration.ofMillis(200));
        owned = c.assignment().size();
      }
    } catch (Exception e) {
      error = e.getClass().getSimpleName();
    }
    Driver.emit("step", "refused", "error", error, "owned", owned);
  }

  /**
   * args: bootstrap, group. Two classic members and one static consumer-protocol member
   * (group.instance.id i0) share 6 partitions (the group was upgraded when it joined). The static
   * one is restarted with group.protocol=classic and the same instance id: it replaces the last
   * consumer-protocol member, so the group becomes classic at once, without a rebalance. Reports
   * the group type before and after, the views, and the others' rebalance callbacks meanwhile.
   */
  static void staticSwap(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String group = args.get(1);
    createTopic(bootstrap, topicOf(group), 6);
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    Member[] members = new Member[3];
    for (int i = 0; i < 3; i++) {
      members[i] = new Member(bootstrap, group, i == 0 ? "consumer" : "classic", "m" + i, seen, errors);
      if (i == 0) members[i].instanceId = "i0";
    }
    members[1].thread.start();
    members[2].thread.start();
    Thread.sleep(2000);
    members[0].thread.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && !java.util.Arrays.stream(members).allMatch(m -> m.owned == 2)) {
      Thread.sleep(100);
    }
    Thread.sleep(1500);
    String before = groupType(bootstrap, group);
    members[1].watching.set(true);
    members[2].watching.set(true);
    members[0].halt();
    members[0] = new Member(bootstrap, group, "classic", "m0", seen, errors);
    members[0].instanceId = "i0";
    members[0].thread.start();
    deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline && members[0].owned != 2) Thread.sleep(100);
    Thread.sleep(3000); // heartbeats of the others: a rebalance would show in their callbacks
    List<Integer> owned = new ArrayList<>();
    for (Member m : members) owned.add(m.owned);
    String after = groupType(bootstrap, group);
    List<String> callbacks = new ArrayList<>();
    callbacks.addAll(members[1].callbacks);
    callbacks.addAll(members[2].callbacks);
    for (Member m : members) m.halt();
    Driver.emit("step", "static", "before", before, "after", after, "owned", owned, "callbacks", callbacks,
        "errors", errors);
  }
}
