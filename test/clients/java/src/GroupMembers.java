import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Java group.protocol=consumer members that stay in their group between scenarios, so a test can
 * look at a live group from outside (kafka-consumer-groups, the Admin client) and then let the
 * members leave. Members commit synchronously after every poll that returned records.
 *
 * <ul>
 *   <li>{@code join <bootstrap> <topic> <partitions> <group> <members> <records>}: creates the
 *       topic, produces the records, starts the members and returns once the group has committed
 *       every record and each member owns partitions.
 *   <li>{@code admin <bootstrap> <group>}: the Admin client's listGroups (all, and filtered by type
 *       consumer / classic), describeConsumerGroups and listConsumerGroupOffsets of the group.
 *   <li>{@code leave}: closes every member (each leaves the group), reports consumer errors.
 * </ul>
 */
public final class GroupMembers {
  private GroupMembers() {}

  private static final List<Thread> MEMBERS = new ArrayList<>();
  private static final Map<String, List<Integer>> OWNED = new ConcurrentHashMap<>();
  private static final List<String> ERRORS = java.util.Collections.synchronizedList(new ArrayList<>());
  private static final AtomicBoolean STOP = new AtomicBoolean();

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("join", GroupMembers::join);
    scenarios.put("admin", GroupMembers::admin);
    scenarios.put("leave", args -> leave());
    Driver.serve(scenarios);
  }

  static void join(List<String> args) throws Exception {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    int partitions = Integer.parseInt(args.get(2));
    String group = args.get(3);
    int members = Integer.parseInt(args.get(4));
    int records = Integer.parseInt(args.get(5));
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> prod = new KafkaProducer<>(pp)) {
      for (int i = 0; i < records; i++) prod.send(new ProducerRecord<>(topic, i % partitions, null, "v" + i)).get();
    }
    STOP.set(false);
    for (int m = 0; m < members; m++) {
      final String name = "m" + m;
      Thread t = new Thread(() -> {
        try (KafkaConsumer<String, String> c = ConsumerProtocol.consumer(bootstrap, group, "uniform")) {
          c.subscribe(List.of(topic));
          while (!STOP.get()) {
            var batch = c.poll(Duration.ofMillis(200));
            if (!batch.isEmpty()) c.commitSync(Duration.ofSeconds(30));
            List<Integer> owned = new ArrayList<>();
            for (TopicPartition tp : c.assignment()) owned.add(tp.partition());
            OWNED.put(name, owned);
          }
        } catch (Exception e) {
          ERRORS.add(name + ": " + e);
        }
      });
      t.start();
      MEMBERS.add(t);
    }
    // Ready once every record is committed and every member owns something.
    long deadline = System.currentTimeMillis() + 60_000;
    try (Admin admin = Admin.create(ap)) {
      while (true) {
        long committed = 0;
        for (OffsetAndMetadata o : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()) {
          if (o != null) committed += o.offset();
        }
        boolean owning = OWNED.size() == members && OWNED.values().stream().noneMatch(List::isEmpty);
        if (committed == records && owning) break;
        Driver.check(System.currentTimeMillis() < deadline,
            "group " + group + " did not settle: committed " + committed + " of " + records + ", owned " + OWNED + ", errors " + ERRORS);
        Thread.sleep(200);
      }
    }
    Thread.sleep(1000); // a heartbeat or two: every member at the group's epoch
    Driver.emit("step", "joined", "owned", new TreeMap<>(OWNED));
  }

  static void admin(List<String> args) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", args.get(0));
    String group = args.get(1);
    try (Admin admin = Admin.create(ap)) {
      Map<String, Object> line = new TreeMap<>();
      line.put("step", "admin");
      line.put("listed", listed(admin.listGroups().all().get(), group));
      line.put("listedConsumer", listed(admin.listGroups(new ListGroupsOptions().withTypes(java.util.Set.of(GroupType.CONSUMER))).all().get(), group));
      line.put("listedClassic", listed(admin.listGroups(new ListGroupsOptions().withTypes(java.util.Set.of(GroupType.CLASSIC))).all().get(), group));
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      line.put("type", String.valueOf(d.type()));
      line.put("state", String.valueOf(d.groupState()));
      line.put("assignor", d.partitionAssignor());
      line.put("groupEpoch", d.groupEpoch().orElse(-1));
      line.put("targetAssignmentEpoch", d.targetAssignmentEpoch().orElse(-1));
      List<String> members = new ArrayList<>();
      for (MemberDescription m : d.members()) {
        List<Integer> assigned = new ArrayList<>();
        for (TopicPartition tp : m.assignment().topicPartitions()) assigned.add(tp.partition());
        java.util.Collections.sort(assigned);
        List<Integer> target = new ArrayList<>();
        for (TopicPartition tp : m.targetAssignment().map(a -> a.topicPartitions()).orElse(java.util.Set.of())) target.add(tp.partition());
        java.util.Collections.sort(target);
        members.add(m.clientId() + " epoch " + m.memberEpoch().orElse(-1) + " assigned " + assigned + " target " + target);
      }
      java.util.Collections.sort(members);
      line.put("members", members);
      Map<String, Long> offsets = new TreeMap<>();
      for (var e : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        if (e.getValue() != null) offsets.put(e.getKey().toString(), e.getValue().offset());
      }
      line.put("offsets", offsets);
      Driver.emit(line);
    }
  }

  /** The listing of the group, as "type state", or null when it is not listed. */
  private static String listed(java.util.Collection<GroupListing> all, String group) {
    for (GroupListing g : all) {
      if (g.groupId().equals(group)) return g.type().map(String::valueOf).orElse("?") + " " + g.groupState().map(String::valueOf).orElse("?");
    }
    return null;
  }

  static void leave() throws Exception {
    STOP.set(true);
    for (Thread t : MEMBERS) t.join();
    MEMBERS.clear();
    OWNED.clear();
    Driver.emit("step", "left", "errors", new ArrayList<>(ERRORS));
    ERRORS.clear();
  }
}
