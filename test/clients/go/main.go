// Command kilgore-go-clients: one small program per Go client, as applications use them, for
// test/clients-go.test.ts. Each client has its own file: franz.go (franz-go kgo), sarama.go
// (IBM/sarama), kafkago.go (segmentio/kafka-go); kadm.go is franz-go's admin client.
//
//	kilgore-go-clients <franz|sarama|kafka-go> produce <bootstrap> <topic> <from> <count> [<codec>]
//	kilgore-go-clients <franz|sarama|kafka-go> consume <bootstrap> <topic> <group> <count>
//	kilgore-go-clients kadm create <bootstrap> <topic> <partitions>
//	kilgore-go-clients kadm inspect <bootstrap> <topic> <group>
//
// produce sends k<i>/v<i> for i in [from, from+count), keyed so they spread over the partitions,
// compressed with <codec> (gzip, snappy, lz4, zstd) if given, waits for every acknowledgement
// and prints {"acked": [[partition, offset], ...]}.
// consume joins the group (classic protocol, from the earliest offset when the group has none),
// reads until it has <count> records or 30 s pass, commits synchronously, leaves the group and
// prints {"records": [[partition, offset, key, value], ...], "assigned": <partitions it held>}.
// Every failure goes to stderr with exit code 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

const readFor = 30 * time.Second

type (
	acked    [2]int64 // partition, offset
	consumed [4]any   // partition, offset, key, value
)

type produceResult struct {
	Acked []acked `json:"acked"`
}

type consumeResult struct {
	Records  []consumed `json:"records"`
	Assigned int        `json:"assigned"`
	// Described is the group as kadm sees it while this consumer is still a member (franz only).
	Described *describedGroup `json:"described,omitempty"`
}

func record(partition int32, offset int64, key, value []byte) consumed {
	return consumed{partition, offset, string(key), string(value)}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kilgore-go-clients: "+format+"\n", args...)
	os.Exit(1)
}

func check(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	check(err, "bad number "+s)
	return n
}

// codecArg is the optional codec argument of produce ("" for none).
func codecArg(args []string) string {
	if len(args) > 2 {
		return args[2]
	}
	return ""
}

func out(v any) {
	check(json.NewEncoder(os.Stdout).Encode(v), "write result")
}

func main() {
	if len(os.Args) < 6 {
		fail("usage: kilgore-go-clients <franz|sarama|kafka-go|kadm> <command> <bootstrap> <topic> <args>...")
	}
	client, command, bootstrap, topic := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	args := os.Args[5:]
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	type run func(ctx context.Context, bootstrap, topic string, args []string) any
	commands := map[string]map[string]run{
		"franz":    {"produce": franzProduce, "consume": franzConsume},
		"sarama":   {"produce": saramaProduce, "consume": saramaConsume},
		"kafka-go": {"produce": kafkaGoProduce, "consume": kafkaGoConsume},
		"kadm":     {"create": kadmCreate, "inspect": kadmInspect},
	}
	f, ok := commands[client][command]
	if !ok {
		fail("unknown client or command: %s %s", client, command)
	}
	out(f(ctx, bootstrap, topic, args))
}
