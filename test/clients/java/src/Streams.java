import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Kafka Streams' word count (at-least-once) against the broker: lines in, a repartition by word,
 * a counting store with its changelog, counts out. A second instance with an empty state dir
 * restores the counts from the changelog and goes on counting.
 */
public final class Streams {
  private Streams() {}

  /** The instances' state dirs, removed when the scenario ends. */
  static final List<java.nio.file.Path> STATE_DIRS = new ArrayList<>();

  static void removeStateDirs() throws java.io.IOException {
    for (java.nio.file.Path dir : STATE_DIRS) {
      try (var paths = Files.walk(dir)) {
        for (java.nio.file.Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
    STATE_DIRS.clear();
  }

  public static void main(String[] argv) throws Exception {
    Driver.serve(Map.of("wordcount", args -> {
      try {
        wordcount(args);
      } finally {
        removeStateDirs();
      }
    }));
  }

  static Topology topology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase().split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.with("by-word", Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  /** Starts an instance and waits until it is RUNNING; returns it with the milliseconds it took. */
  static KafkaStreams start(String bootstrap, String appId, Topology topology, String guarantee) throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    java.nio.file.Path stateDir = Files.createTempDirectory("kilgore-streams-");
    STATE_DIRS.add(stateDir);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update goes downstream
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 200);
    // Static membership: a dynamic Streams member never sends LeaveGroup (Streams turns
    // internal.leave.group.on.close off), so the next instance would wait out the old one's session
    // on any broker. close(leaveGroup) removes a static member through the Admin client instead.
    p.put(StreamsConfig.consumerPrefix("group.instance.id"), appId + "-instance");
    long t0 = System.currentTimeMillis();
    KafkaStreams streams = new KafkaStreams(topology, p);
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      failure.set(e);
      running.countDown();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    boolean ok = running.await(40, TimeUnit.SECONDS);
    if (failure.get() != null) throw new RuntimeException("stream thread died", failure.get());
    Driver.check(ok, "not RUNNING after 40 s: " + streams.state());
    Driver.emit("step", "running", "ms", System.currentTimeMillis() - t0);
    return streams;
  }

  static void produce(String bootstrap, String topic, List<String> lines) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < lines.size(); i++) producer.send(new ProducerRecord<>(topic, "line-" + i, lines.get(i)));
    }
  }

  /** Reads the output topic until each word's latest count is the expected one (or 30 s pass). */
  static Map<String, Long> awaitCounts(
      KafkaConsumer<String, Long> consumer, Map<String, Long> latest, Map<String, Long> expected, int[] updates) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!latest.equals(expected) && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100))) {
        latest.put(r.key(), r.value());
        updates[0]++;
      }
    }
    // A duplicate update would come after the expected counts: look once more.
    for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
      latest.put(r.key(), r.value());
      updates[0]++;
    }
    return new TreeMap<>(latest);
  }

  static void count(Map<String, Long> counts, List<String> lines) {
    for (String line : lines) {
      for (String w : line.toLowerCase().split("\\W+")) if (!w.isEmpty()) counts.merge(w, 1L, Long::sum);
    }
  }

  /**
   * wordcount <bootstrap> <appId> <lines, one per \n> <more lines> [processing.guarantee]: the
   * first lines through one instance, then a fresh instance (empty state) restores from the
   * changelog and counts the rest. The output is read read_committed.
   */
  static void wordcount(List<String> args) throws Exception {
    String bootstrap = args.get(0), appId = args.get(1);
    List<String> first = List.of(args.get(2).split("\n"));
    List<String> more = List.of(args.get(3).split("\n"));
    String guarantee = args.size() > 4 ? args.get(4) : StreamsConfig.AT_LEAST_ONCE;
    String input = appId + "-lines", output = appId + "-counts";
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(List.of(new NewTopic(input, 3, (short) 1), new NewTopic(output, 3, (short) 1))).all().get();
    }
    Topology topology = topology(input, output);

    Properties cp = new Properties();
    cp.put("bootstrap.servers", bootstrap);
    cp.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, Long> out = new KafkaConsumer<>(cp, new StringDeserializer(), new LongDeserializer())) {
      List<TopicPartition> outParts = new ArrayList<>();
      for (int p = 0; p < 3; p++) outParts.add(new TopicPartition(output, p));
      out.assign(outParts);
      out.seekToBeginning(outParts);
      Map<String, Long> expected = new HashMap<>();
      Map<String, Long> latest = new HashMap<>();
      int[] updates = {0}; // output records read: one per word counted, none twice

      KafkaStreams streams = start(bootstrap, appId, topology, guarantee);
      produce(bootstrap, input, first);
      count(expected, first);
      Driver.emit("step", "counts", "phase", 1, "counts", awaitCounts(out, latest, expected, updates), "updates", updates[0]);
      streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));

      streams = start(bootstrap, appId, topology, guarantee);
      produce(bootstrap, input, more);
      count(expected, more);
      Driver.emit("step", "counts", "phase", 2, "counts", awaitCounts(out, latest, expected, updates), "updates", updates[0]);
      streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));
    }
    try (Admin admin = Admin.create(adminProps)) {
      TreeSet<String> internal = new TreeSet<>();
      for (String t : admin.listTopics().names().get()) if (t.startsWith(appId + "-") && !t.equals(input) && !t.equals(output)) internal.add(t);
      Map<String, Long> committed = new TreeMap<>();
      admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get()
          .forEach((tp, om) -> committed.put(tp.topic() + "/" + tp.partition(), om.offset()));
      Driver.emit("step", "internal", "topics", internal, "committed", committed);
    }
  }
}
