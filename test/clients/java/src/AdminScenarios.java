import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/** The Admin client's topic, config, offset and group calls, one JSON line per call. */
final class AdminScenarios {
  private AdminScenarios() {}

  static String errorName(ExecutionException e) {
    return e.getCause().getClass().getSimpleName();
  }

  static Map<String, String> configValues(Config config, String... names) {
    Map<String, String> out = new TreeMap<>();
    for (String n : names) {
      ConfigEntry e = config.get(n);
      out.put(n, e == null ? null : e.value() + " (" + e.source() + ")");
    }
    return out;
  }

  /** admin <bootstrap> <prefix>: every call on topics <prefix>-a, <prefix>-b and group <prefix>-g. */
  static void admin(List<String> args) throws Exception {
    String bootstrap = args.get(0), prefix = args.get(1);
    String topicA = prefix + "-a", topicB = prefix + "-b", group = prefix + "-g";
    try (Admin admin = Admin.create(Clients.common(bootstrap))) {
      // The broker's default replication factor: 1 on one node, the whole chain on a chain.
      admin.createTopics(List.of(
              new NewTopic(topicA, Optional.of(3), Optional.empty()).configs(Map.of("retention.ms", "3600000")),
              new NewTopic(topicB, Optional.of(1), Optional.empty())))
          .all().get();
      String duplicate = null;
      try {
        admin.createTopics(List.of(new NewTopic(topicA, 1, (short) 1))).all().get();
      } catch (ExecutionException e) {
        duplicate = errorName(e);
      }
      Driver.emit("step", "createTopics", "duplicate", duplicate);

      Set<String> names = admin.listTopics().names().get();
      Driver.emit("step", "listTopics", "hasA", names.contains(topicA), "hasB", names.contains(topicB));

      TopicDescription a = admin.describeTopics(List.of(topicA)).allTopicNames().get().get(topicA);
      List<Map<String, Object>> parts = new ArrayList<>();
      for (TopicPartitionInfo p : a.partitions()) {
        parts.add(Map.of("partition", p.partition(), "leader", p.leader().id(), "replicas", p.replicas().size(), "isr", p.isr().size()));
      }
      Driver.emit("step", "describeTopics", "name", a.name(), "internal", a.isInternal(), "partitions", parts,
          "hasTopicId", a.topicId() != null && !a.topicId().toString().isEmpty());

      DescribeClusterResult cluster = admin.describeCluster();
      Collection<Node> nodes = cluster.nodes().get();
      Node node = nodes.iterator().next();
      Driver.emit("step", "describeCluster", "nodes", nodes.size(), "nodeId", node.id(), "host", node.host(),
          "port", node.port(), "controller", cluster.controller().get().id(), "clusterId", cluster.clusterId().get());

      admin.createPartitions(Map.of(topicA, NewPartitions.increaseTo(5))).all().get();
      int after = admin.describeTopics(List.of(topicA)).allTopicNames().get().get(topicA).partitions().size();
      String shrink = null;
      try {
        admin.createPartitions(Map.of(topicA, NewPartitions.increaseTo(2))).all().get();
      } catch (ExecutionException e) {
        shrink = errorName(e);
      }
      Driver.emit("step", "createPartitions", "partitions", after, "shrink", shrink);

      ConfigResource topicRes = new ConfigResource(ConfigResource.Type.TOPIC, topicA);
      Config before = admin.describeConfigs(List.of(topicRes)).all().get().get(topicRes);
      admin.incrementalAlterConfigs(Map.of(topicRes, List.of(
              new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
              new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000000"), AlterConfigOp.OpType.SET),
              new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE))))
          .all().get();
      Config altered = admin.describeConfigs(List.of(topicRes)).all().get().get(topicRes);
      String bad = null;
      try {
        admin.incrementalAlterConfigs(Map.of(topicRes, List.of(
                new AlterConfigOp(new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET))))
            .all().get();
      } catch (ExecutionException e) {
        bad = errorName(e);
      }
      ConfigResource brokerRes = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(node.id()));
      Config broker = admin.describeConfigs(List.of(brokerRes)).all().get().get(brokerRes);
      Driver.emit("step", "configs",
          "before", configValues(before, "retention.ms", "cleanup.policy"),
          "after", configValues(altered, "retention.ms", "cleanup.policy", "max.message.bytes"),
          "unknown", bad,
          "brokerEntries", broker.entries().size(),
          "broker", configValues(broker, "num.partitions", "log.retention.hours"));

      try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topicB, 0, 1_000_000_000_000L + i * 10, null, Clients.utf8("b" + i)));
        }
      }
      TopicPartition b0 = new TopicPartition(topicB, 0);
      ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(b0, OffsetSpec.earliest())).partitionResult(b0).get();
      ListOffsetsResultInfo latest = admin.listOffsets(Map.of(b0, OffsetSpec.latest())).partitionResult(b0).get();
      ListOffsetsResultInfo maxTs = admin.listOffsets(Map.of(b0, OffsetSpec.maxTimestamp())).partitionResult(b0).get();
      ListOffsetsResultInfo forTs =
          admin.listOffsets(Map.of(b0, OffsetSpec.forTimestamp(1_000_000_000_035L))).partitionResult(b0).get();
      Driver.emit("step", "listOffsets", "earliest", earliest.offset(), "latest", latest.offset(),
          "maxTimestampOffset", maxTs.offset(), "maxTimestamp", maxTs.timestamp(), "forTimestamp", forTs.offset());

      long low = admin.deleteRecords(Map.of(b0, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(b0).get().lowWatermark();
      long earliestAfter = admin.listOffsets(Map.of(b0, OffsetSpec.earliest())).partitionResult(b0).get().offset();
      String beyond = null;
      try {
        admin.deleteRecords(Map.of(b0, RecordsToDelete.beforeOffset(99))).all().get();
      } catch (ExecutionException e) {
        beyond = errorName(e);
      }
      Driver.emit("step", "deleteRecords", "lowWatermark", low, "earliest", earliestAfter, "beyondEnd", beyond);

      // A live group member, so that the group has a state, a member and an assignment to describe.
      Map<String, Object> settings = Map.of(
          "group.id", group, "group.protocol", "classic", "enable.auto.commit", false, "heartbeat.interval.ms", 200);
      try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, settings)) {
        consumer.subscribe(List.of(topicB));
        int got = 0;
        long deadline = System.currentTimeMillis() + 20_000;
        while (got < 6 && System.currentTimeMillis() < deadline) got += consumer.poll(Duration.ofMillis(100)).count();
        consumer.commitSync();
        List<String> listed = new ArrayList<>();
        String listedState = null;
        for (ConsumerGroupListing l : admin.listConsumerGroups().all().get()) {
          listed.add(l.groupId());
          if (l.groupId().equals(group)) listedState = String.valueOf(l.groupState().orElse(null));
        }
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberDescription m : d.members()) {
          List<Integer> assigned = new ArrayList<>();
          for (TopicPartition tp : m.assignment().topicPartitions()) assigned.add(tp.partition());
          members.add(Map.of("clientId", m.clientId(), "host", m.host(), "assigned", assigned,
              "memberIdSet", !m.consumerId().isEmpty()));
        }
        Map<String, Long> offsets = new TreeMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
            .forEach((tp, om) -> offsets.put(tp.topic() + "/" + tp.partition(), om.offset()));
        Driver.emit("step", "groups", "consumed", got, "listed", listed.contains(group), "listedState", listedState,
            "state", String.valueOf(d.groupState()), "protocol", d.partitionAssignor(), "type", String.valueOf(d.type()),
            "coordinator", d.coordinator().id(), "members", members, "offsets", offsets);
      }

      admin.deleteTopics(List.of(topicA, topicB)).all().get();
      Set<String> left = admin.listTopics().names().get();
      String describeDeleted = null;
      try {
        admin.describeTopics(List.of(topicA)).allTopicNames().get();
      } catch (ExecutionException e) {
        describeDeleted = errorName(e);
      }
      Driver.emit("step", "deleteTopics", "hasA", left.contains(topicA), "hasB", left.contains(topicB),
          "describeDeleted", describeDeleted);
    }
  }
}
