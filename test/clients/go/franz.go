package main

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

var franzCodecs = map[string]kgo.CompressionCodec{
	"": kgo.NoCompression(), "gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
	"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression(),
}

// franz-go sends a batch uncompressed when compressing does not make it smaller, as it would not
// for a few records of four bytes: each record carries this compressible header as well.
var padding = []kgo.RecordHeader{{Key: "padding", Value: bytes.Repeat([]byte("kilgore "), 32)}}

// franz-go's producer with its defaults: idempotent, acks=all, the sticky key partitioner.
func franzProduce(ctx context.Context, bootstrap, topic string, args []string) any {
	from, count := atoi(args[0]), atoi(args[1])
	codec, ok := franzCodecs[codecArg(args)]
	if !ok {
		fail("franz: unknown codec %q", codecArg(args))
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.DefaultProduceTopic(topic), kgo.ProducerBatchCompression(codec))
	check(err, "franz: new client")
	defer cl.Close()
	var mu sync.Mutex
	var wg sync.WaitGroup
	res := produceResult{Acked: []acked{}}
	var firstErr error
	for i := from; i < from+count; i++ {
		wg.Add(1)
		r := &kgo.Record{Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "v%d", i), Headers: padding}
		cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if err == nil {
				res.Acked = append(res.Acked, acked{int64(r.Partition), r.Offset})
			}
		})
	}
	wg.Wait()
	check(firstErr, "franz: produce")
	return res
}

// A franz-go group consumer with autocommit off: poll, CommitUncommittedOffsets, and (before
// leaving) describe the group through kadm on the same client.
func franzConsume(ctx context.Context, bootstrap, topic string, args []string) any {
	group, count := args[0], atoi(args[1])
	var mu sync.Mutex
	assigned := map[int32]bool{}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(bootstrap),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			mu.Lock()
			defer mu.Unlock()
			for _, p := range m[topic] {
				assigned[p] = true
			}
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			mu.Lock()
			defer mu.Unlock()
			for _, p := range m[topic] {
				delete(assigned, p)
			}
		}),
	)
	check(err, "franz: new client")
	defer cl.Close() // leaves the group
	res := consumeResult{Records: []consumed{}}
	readCtx, cancel := context.WithTimeout(ctx, readFor)
	defer cancel()
	for len(res.Records) < count && readCtx.Err() == nil {
		fetches := cl.PollFetches(readCtx)
		fetches.EachError(func(t string, p int32, err error) {
			if readCtx.Err() == nil {
				fail("franz: fetch %s[%d]: %v", t, p, err)
			}
		})
		fetches.EachRecord(func(r *kgo.Record) {
			res.Records = append(res.Records, record(r.Partition, r.Offset, r.Key, r.Value))
		})
	}
	check(cl.CommitUncommittedOffsets(ctx), "franz: commit")
	described := describeGroup(ctx, kadm.NewClient(cl), group)
	res.Described = &described
	mu.Lock()
	res.Assigned = len(assigned)
	mu.Unlock()
	return res
}
