package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"

	"github.com/IBM/sarama"
)

// saramaConfig is sarama's default configuration (it speaks Kafka 2.8's API versions), or the
// version in $SARAMA_KAFKA_VERSION (e.g. 4.1.0), as applications set it to their brokers'.
func saramaConfig() *sarama.Config {
	sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Lmicroseconds)
	cfg := sarama.NewConfig()
	if v := os.Getenv("SARAMA_KAFKA_VERSION"); v != "" {
		version, err := sarama.ParseKafkaVersion(v)
		check(err, "sarama: SARAMA_KAFKA_VERSION")
		cfg.Version = version
	}
	return cfg
}

// A SyncProducer (acks=1 and the hash partitioner by default) sending one batch of messages.
func saramaProduce(_ context.Context, bootstrap, topic string, args []string) any {
	from, count := atoi(args[0]), atoi(args[1])
	cfg := saramaConfig()
	cfg.Producer.Return.Successes = true
	if c := codecArg(args); c != "" {
		check(cfg.Producer.Compression.UnmarshalText([]byte(c)), "sarama: codec")
	}
	p, err := sarama.NewSyncProducer([]string{bootstrap}, cfg)
	check(err, "sarama: new producer")
	msgs := make([]*sarama.ProducerMessage, 0, count)
	for i := from; i < from+count; i++ {
		msgs = append(msgs, &sarama.ProducerMessage{
			Topic: topic,
			Key:   sarama.StringEncoder(fmt.Sprintf("k%d", i)),
			Value: sarama.StringEncoder(fmt.Sprintf("v%d", i)),
		})
	}
	check(p.SendMessages(msgs), "sarama: send")
	res := produceResult{Acked: []acked{}}
	for _, m := range msgs {
		res.Acked = append(res.Acked, acked{int64(m.Partition), m.Offset})
	}
	check(p.Close(), "sarama: close producer")
	return res
}

// saramaHandler marks what it reads; the session commits in Cleanup (autocommit is off).
type saramaHandler struct {
	count    int
	mu       sync.Mutex
	records  []consumed
	assigned int
	done     chan struct{}
	once     sync.Once
}

func (h *saramaHandler) Setup(s sarama.ConsumerGroupSession) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.assigned = 0
	for _, ps := range s.Claims() {
		h.assigned += len(ps)
	}
	return nil
}

func (h *saramaHandler) Cleanup(s sarama.ConsumerGroupSession) error {
	s.Commit()
	return nil
}

func (h *saramaHandler) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		h.mu.Lock()
		h.records = append(h.records, record(m.Partition, m.Offset, m.Key, m.Value))
		s.MarkMessage(m, "")
		if len(h.records) >= h.count {
			h.once.Do(func() { close(h.done) })
		}
		h.mu.Unlock()
	}
	return nil
}

func saramaConsume(ctx context.Context, bootstrap, topic string, args []string) any {
	group, count := args[0], atoi(args[1])
	cfg := saramaConfig()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cfg.Consumer.Return.Errors = true
	cg, err := sarama.NewConsumerGroup([]string{bootstrap}, group, cfg)
	check(err, "sarama: new consumer group")
	go func() {
		for err := range cg.Errors() {
			fail("sarama: consumer group: %v", err)
		}
	}()
	h := &saramaHandler{count: count, records: []consumed{}, done: make(chan struct{})}
	consumeCtx, stop := context.WithTimeout(ctx, readFor)
	defer stop()
	finished := make(chan error, 1)
	go func() {
		for consumeCtx.Err() == nil {
			// Consume returns at each rebalance; join again until stopped.
			if err := cg.Consume(consumeCtx, []string{topic}, h); err != nil {
				finished <- err
				return
			}
		}
		finished <- nil
	}()
	select {
	case <-h.done:
	case <-consumeCtx.Done():
	}
	stop()
	check(<-finished, "sarama: consume")
	check(cg.Close(), "sarama: close consumer group") // leaves the group
	h.mu.Lock()
	defer h.mu.Unlock()
	return consumeResult{Records: h.records, Assigned: h.assigned}
}
