package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// A kafka.Writer with the hash balancer and acks=all; Completion reports the offsets.
func kafkaGoProduce(ctx context.Context, bootstrap, topic string, args []string) any {
	from, count := atoi(args[0]), atoi(args[1])
	codecs := map[string]kafka.Compression{"": 0, "gzip": kafka.Gzip, "snappy": kafka.Snappy, "lz4": kafka.Lz4, "zstd": kafka.Zstd}
	codec, ok := codecs[codecArg(args)]
	if !ok {
		fail("kafka-go: unknown codec %q", codecArg(args))
	}
	var mu sync.Mutex
	res := produceResult{Acked: []acked{}}
	w := &kafka.Writer{
		Addr:         kafka.TCP(bootstrap),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 10 * time.Millisecond,
		Compression:  codec,
		ErrorLogger:  log.New(os.Stderr, "[kafka-go] ", log.Lmicroseconds),
		Completion: func(msgs []kafka.Message, err error) {
			if err != nil {
				return // WriteMessages returns it
			}
			mu.Lock()
			defer mu.Unlock()
			for _, m := range msgs {
				res.Acked = append(res.Acked, acked{int64(m.Partition), m.Offset})
			}
		},
	}
	msgs := make([]kafka.Message, 0, count)
	for i := from; i < from+count; i++ {
		msgs = append(msgs, kafka.Message{Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "v%d", i)})
	}
	check(w.WriteMessages(ctx, msgs...), "kafka-go: write")
	check(w.Close(), "kafka-go: close writer") // waits for the Completion calls
	return res
}

// A kafka.Reader in a group: FetchMessage, then one synchronous CommitMessages. The Reader does
// not expose its assignment; "assigned" counts the partitions it read from.
func kafkaGoConsume(ctx context.Context, bootstrap, topic string, args []string) any {
	group, count := args[0], atoi(args[1])
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     []string{bootstrap},
		GroupID:     group,
		Topic:       topic,
		StartOffset: kafka.FirstOffset,
		// Close waits for the partition readers' fetches in flight: a short long-poll keeps it quick.
		MaxWait:     500 * time.Millisecond,
		ErrorLogger: log.New(os.Stderr, "[kafka-go] ", log.Lmicroseconds),
	})
	res := consumeResult{Records: []consumed{}}
	var msgs []kafka.Message
	partitions := map[int]bool{}
	readCtx, cancel := context.WithTimeout(ctx, readFor)
	defer cancel()
	for len(msgs) < count {
		m, err := r.FetchMessage(readCtx)
		if readCtx.Err() != nil {
			break
		}
		check(err, "kafka-go: fetch")
		msgs = append(msgs, m)
		partitions[m.Partition] = true
		res.Records = append(res.Records, record(int32(m.Partition), m.Offset, m.Key, m.Value))
	}
	if len(msgs) > 0 {
		check(r.CommitMessages(ctx, msgs...), "kafka-go: commit")
	}
	check(r.Close(), "kafka-go: close reader") // leaves the group
	res.Assigned = len(partitions)
	return res
}
