import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client's transactions as applications use them: initTransactions, begin, commit and
 * abort; a consume-transform-produce loop with sendOffsetsToTransaction and read_committed; and
 * zombie fencing by a second producer with the same transactional.id.
 */
public final class Transactions {
  private Transactions() {}

  public static void main(String[] argv) throws Exception {
    Map<String, Driver.Scenario> scenarios = new HashMap<>();
    scenarios.put("commit-abort", Transactions::commitAbort);
    scenarios.put("ctp", Transactions::consumeTransformProduce);
    scenarios.put("fencing", Transactions::fencing);
    Driver.serve(scenarios);
  }

  static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("transactional.id", transactionalId);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String isolation) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("isolation.level", isolation);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /** Every value of partition 0 up to its end (for `isolation`: the LSO or the high watermark). */
  static List<String> readAll(String bootstrap, String topic, String isolation) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, "read-" + isolation + "-" + System.nanoTime(), isolation)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 20_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
      }
    }
    return values;
  }

  /** args: bootstrap topic transactional.id. Commits 10, aborts 5, commits 3. */
  static void commitAbort(List<String> args) {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    try (KafkaProducer<String, String> p = producer(bootstrap, args.get(2))) {
      p.initTransactions();
      String[][] plan = {{"c", "10", "commit"}, {"a", "5", "abort"}, {"d", "3", "commit"}};
      for (String[] step : plan) {
        p.beginTransaction();
        for (int i = 0; i < Integer.parseInt(step[1]); i++) p.send(new ProducerRecord<>(topic, 0, "k", step[0] + i));
        if (step[2].equals("commit")) p.commitTransaction();
        else {
          p.flush();
          p.abortTransaction();
        }
      }
    }
    Driver.emit("isolation", "read_committed", "values", readAll(bootstrap, topic, "read_committed"));
    Driver.emit("isolation", "read_uncommitted", "values", readAll(bootstrap, topic, "read_uncommitted"));
  }

  /**
   * args: bootstrap input output group transactional.id count. Upper-cases `count` records of
   * `input` into `output`, one transaction per poll, the consumed offsets committed with each.
   */
  static void consumeTransformProduce(List<String> args) {
    String bootstrap = args.get(0);
    String input = args.get(1);
    String output = args.get(2);
    String group = args.get(3);
    int count = Integer.parseInt(args.get(5));
    int done = 0;
    int transactions = 0;
    try (KafkaProducer<String, String> p = producer(bootstrap, args.get(4));
        KafkaConsumer<String, String> c = consumer(bootstrap, group, "read_committed")) {
      p.initTransactions();
      c.subscribe(List.of(input));
      long deadline = System.currentTimeMillis() + 30_000;
      while (done < count && System.currentTimeMillis() < deadline) {
        var records = c.poll(Duration.ofMillis(200));
        if (records.isEmpty()) continue;
        p.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          p.send(new ProducerRecord<>(output, 0, r.key(), r.value().toUpperCase()));
          offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          done++;
        }
        p.sendOffsetsToTransaction(offsets, c.groupMetadata());
        p.commitTransaction();
        transactions++;
      }
    }
    Driver.emit("processed", done, "transactions", transactions);
    Driver.emit("output", readAll(bootstrap, output, "read_committed"));
  }

  /** args: bootstrap topic transactional.id. A second producer fences the first mid-transaction. */
  static void fencing(List<String> args) {
    String bootstrap = args.get(0);
    String topic = args.get(1);
    try (KafkaProducer<String, String> zombie = producer(bootstrap, args.get(2));
        KafkaProducer<String, String> successor = producer(bootstrap, args.get(2))) {
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(topic, 0, "k", "zombie"));
      zombie.flush();
      successor.initTransactions(); // aborts the zombie's transaction under a new epoch
      String error = "none";
      try {
        zombie.commitTransaction();
      } catch (ProducerFencedException e) {
        error = e.getClass().getSimpleName();
      } catch (Exception e) {
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      successor.beginTransaction();
      successor.send(new ProducerRecord<>(topic, 0, "k", "successor"));
      successor.commitTransaction();
      Driver.emit("zombieCommit", error);
    }
    Driver.emit("values", readAll(bootstrap, topic, "read_committed"));
  }
}
