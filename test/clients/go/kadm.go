package main

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func kadmClient(bootstrap string) *kadm.Client {
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	check(err, "kadm: new client")
	return kadm.NewClient(cl)
}

// kadm create: CreateTopic, then the topic as ListTopics describes it.
func kadmCreate(ctx context.Context, bootstrap, topic string, args []string) any {
	adm := kadmClient(bootstrap)
	defer adm.Close()
	created, err := adm.CreateTopic(ctx, int32(atoi(args[0])), -1, nil, topic)
	check(err, "kadm: create topic")
	check(created.Err, "kadm: create topic")
	topics, err := adm.ListTopics(ctx, topic)
	check(err, "kadm: list topics")
	check(topics.Error(), "kadm: list topics")
	d := topics[topic]
	return map[string]any{
		"created":     created.Topic,
		"id":          created.ID.String(),
		"partitions":  len(d.Partitions),
		"listedId":    d.ID.String(),
		"replication": d.Partitions.NumReplicas(),
	}
}

type describedGroup struct {
	State        string  `json:"state"`
	ProtocolType string  `json:"protocolType"`
	Protocol     string  `json:"protocol"`
	Members      int     `json:"members"`
	Assigned     []int32 `json:"assigned"` // the topic's partitions assigned across the members
}

func describeGroup(ctx context.Context, adm *kadm.Client, group string) describedGroup {
	groups, err := adm.DescribeGroups(ctx, group)
	check(err, "kadm: describe groups")
	g := groups[group]
	check(g.Err, "kadm: describe group")
	assigned := []int32{}
	for _, ps := range g.AssignedPartitions() {
		for p := range ps {
			assigned = append(assigned, p)
		}
	}
	sort.Slice(assigned, func(i, j int) bool { return assigned[i] < assigned[j] })
	return describedGroup{g.State, g.ProtocolType, g.Protocol, len(g.Members), assigned}
}

// kadm inspect: the topic's start and end offsets, the group's committed offsets and lag, the
// group as DescribeGroups and ListGroups see it.
func kadmInspect(ctx context.Context, bootstrap, topic string, args []string) any {
	group := args[0]
	adm := kadmClient(bootstrap)
	defer adm.Close()
	offsets := func(l kadm.ListedOffsets, err error) map[int32]int64 {
		check(err, "kadm: list offsets")
		check(l.Error(), "kadm: list offsets")
		m := map[int32]int64{}
		l.Each(func(o kadm.ListedOffset) { m[o.Partition] = o.Offset })
		return m
	}
	start := offsets(adm.ListStartOffsets(ctx, topic))
	end := offsets(adm.ListEndOffsets(ctx, topic))
	fetched, err := adm.FetchOffsets(ctx, group)
	check(err, "kadm: fetch offsets")
	check(fetched.Error(), "kadm: fetch offsets")
	committed := map[int32]int64{}
	fetched.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic {
			committed[o.Partition] = o.At
		}
	})
	lags, err := adm.Lag(ctx, group)
	check(err, "kadm: lag")
	lag := lags[group]
	check(lag.Error(), "kadm: lag")
	listed, err := adm.ListGroups(ctx)
	check(err, "kadm: list groups")
	return map[string]any{
		"start":     start,
		"end":       end,
		"committed": committed,
		"lag":       lag.Lag.Total(),
		"group":     describeGroup(ctx, adm, group),
		"listed":    listed.Groups(),
	}
}
