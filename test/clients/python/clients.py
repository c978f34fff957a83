"""One small program per PyPI client (test/clients/python/requirements.txt), as applications use them.

usage: clients.py <confluent|kafka-python|aiokafka> produce <bootstrap> <topic> <from> <count> [<codec>]
       clients.py <confluent|kafka-python|aiokafka> consume <bootstrap> <topic> <group> <count>

produce sends records k<i>/v<i> for i in [from, from+count) with the client's default settings
(keys spread them over the partitions), compressed with <codec> (gzip, snappy, lz4, zstd) if
given, waits for every acknowledgement and prints
{"acked": [[partition, offset], ...]}.
consume subscribes in the group (classic protocol, offsets from the earliest when the group has
none), reads until it has <count> records or 30 s pass, commits synchronously, leaves the group and
prints {"records": [[partition, offset, key, value], ...], "assigned": <partitions it held>}.
Run consume twice in one group and the second run must start where the first one committed.
"""
import asyncio
import json
import sys
import time

client, mode, bootstrap, topic = sys.argv[1:5]
rest = sys.argv[5:]
codec = rest[2] if mode == 'produce' and len(rest) > 2 else None
READ_FOR_S = 30


def out(obj):
    print(json.dumps(obj), flush=True)


def confluent():
    from confluent_kafka import Consumer, KafkaException, Producer
    if mode == 'produce':
        start, n = int(rest[0]), int(rest[1])
        p = Producer({'bootstrap.servers': bootstrap, 'compression.type': codec or 'none'})
        acked, errors = [], []

        def done(err, m):
            if err is not None:
                errors.append(str(err))
            else:
                acked.append([m.partition(), m.offset()])
        for i in range(start, start + n):
            p.produce(topic, key=f'k{i}', value=f'v{i}', on_delivery=done)
        if p.flush(30) != 0:
            raise SystemExit('confluent: flush timed out')
        if errors:
            raise SystemExit(f'confluent: delivery failed: {errors[:3]}')
        out({'acked': acked})
        return
    group, n = rest[0], int(rest[1])
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
                  'enable.auto.commit': False})
    c.subscribe([topic])
    got, deadline = [], time.time() + READ_FOR_S
    while len(got) < n and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        got.append([m.partition(), m.offset(), m.key().decode(), m.value().decode()])
    assigned = len(c.assignment())
    c.commit(asynchronous=False)
    c.close()
    out({'records': got, 'assigned': assigned})


def kafka_python():
    from kafka import KafkaConsumer, KafkaProducer
    if mode == 'produce':
        start, n = int(rest[0]), int(rest[1])
        p = KafkaProducer(bootstrap_servers=bootstrap, compression_type=codec)
        futures = [p.send(topic, key=f'k{i}'.encode(), value=f'v{i}'.encode()) for i in range(start, start + n)]
        acked = [[m.partition, m.offset] for m in (f.get(timeout=30) for f in futures)]
        p.close()
        out({'acked': acked})
        return
    group, n = rest[0], int(rest[1])
    c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                      enable_auto_commit=False)
    got, deadline = [], time.time() + READ_FOR_S
    while len(got) < n and time.time() < deadline:
        for records in c.poll(timeout_ms=500).values():
            got.extend([r.partition, r.offset, r.key.decode(), r.value.decode()] for r in records)
    assigned = len(c.assignment())
    c.commit()
    c.close()
    out({'records': got, 'assigned': assigned})


async def aiokafka():
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    if mode == 'produce':
        start, n = int(rest[0]), int(rest[1])
        p = AIOKafkaProducer(bootstrap_servers=bootstrap, compression_type=codec)
        await p.start()
        try:
            futures = [await p.send(topic, key=f'k{i}'.encode(), value=f'v{i}'.encode())
                       for i in range(start, start + n)]
            acked = [[m.partition, m.offset] for m in [await f for f in futures]]
        finally:
            await p.stop()
        out({'acked': acked})
        return
    group, n = rest[0], int(rest[1])
    c = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False)
    await c.start()
    got, deadline = [], time.time() + READ_FOR_S
    try:
        while len(got) < n and time.time() < deadline:
            for records in (await c.getmany(timeout_ms=500)).values():
                got.extend([r.partition, r.offset, r.key.decode(), r.value.decode()] for r in records)
        assigned = len(c.assignment())
        await c.commit()
    finally:
        await c.stop()
    out({'records': got, 'assigned': assigned})


if client == 'confluent':
    confluent()
elif client == 'kafka-python':
    kafka_python()
elif client == 'aiokafka':
    asyncio.run(aiokafka())
else:
    raise SystemExit(f'unknown client {client}')
