#!/usr/bin/python3
"""Writes record batches with kafka-python's own batch builders, for the records interop tests.

kafka-python is an implementation independent of ours and of librdkafka: it writes snappy with
xerial framing (librdkafka writes raw blocks), and for magic 0 it writes LZ4 with the broken
header checksum of Kafka 0.8-0.9. That makes it the source for those two quirks, and for
compressed legacy MessageSet v0/v1 wrappers.

    /usr/bin/python3 packages/protocol/scripts/capture-kafka-python-batches.py [outDir]

Needs python3-kafka, python3-snappy, python3-lz4 and python3-zstandard (Debian packages).
Writes kafka-python-v<magic>-<codec>.bin and kafka-python.json to test/fixtures/batches/.
"""
import json
import os
import sys

import kafka
from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.legacy_records import LegacyRecordBatchBuilder

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
T0 = 1_700_000_000_000
HEADERS = [("trace-id", b"abc123"), ("content-type", b"text/plain")]

out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "batches")
os.makedirs(out_dir, exist_ok=True)

# Enough data to span several 32 KiB xerial chunks and 64 KiB lz4 blocks.
records = [
    {
        "key": None if i % 10 == 9 else "key-%d" % i,
        "value": None if i % 25 == 24 else ("record %d " % i) * (5 + i % 60),
        "timestamp": T0 + i,
    }
    for i in range(300)
]


def enc(s):
    return None if s is None else s.encode()


files = {}
for name, codec in CODECS.items():
    b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False,
                                  producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                  batch_size=1 << 30)
    for i, r in enumerate(records):
        b.append(i, timestamp=r["timestamp"], key=enc(r["key"]), value=enc(r["value"]), headers=HEADERS)
    files["v2-" + name] = bytes(b.build())

    if codec == 4:
        continue  # legacy formats have no zstd
    for magic in (0, 1):
        lb = LegacyRecordBatchBuilder(magic=magic, compression_type=codec, batch_size=1 << 30)
        for i, r in enumerate(records):
            lb.append(i, timestamp=r["timestamp"] if magic else None, key=enc(r["key"]), value=enc(r["value"]))
        files["v%d-%s" % (magic, name)] = bytes(lb.build())

manifest = {
    "producer": "kafka-python %s batch builders" % kafka.__version__,
    "note": "v2 files are one RecordBatch (every record has the headers); v0/v1 files are one "
            "MessageSet (compressed ones hold a single wrapper message). Offsets start at 0.",
    "files": {},
    "headers": [{"key": k, "value": v.decode()} for k, v in HEADERS],
    "records": records,
}
for key, data in sorted(files.items()):
    file = "kafka-python-%s.bin" % key
    manifest["files"][key] = file
    with open(os.path.join(out_dir, file), "wb") as f:
        f.write(data)
    print("capture-kafka-python-batches: %s %d bytes" % (file, len(data)))
with open(os.path.join(out_dir, "kafka-python.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
