import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One Kafka Streams instance of the word count (Streams.topology) as a process of its own, so
 * that a test can kill it with kill -9 and start another: StreamsWorker <bootstrap> <appId>
 * <stateDir> <processing.guarantee>. Prints {"step":"running"} once RUNNING, then runs until
 * killed.
 */
public final class StreamsWorker {
  private StreamsWorker() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], appId = args[1], stateDir = args[2], guarantee = args[3];
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update goes downstream
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 200);
    // A killed instance never leaves the group: a short session lets the next one take over soon.
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
    KafkaStreams streams = new KafkaStreams(Streams.topology(appId + "-lines", appId + "-counts"), p);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) System.out.println("{\"step\":\"running\"}");
      if (now == KafkaStreams.State.ERROR) System.out.println("{\"step\":\"error\"}");
    });
    streams.start();
    Thread.currentThread().join();
  }
}
