"""A client of Kilgore's HTTP interface using only the standard library (urllib, no requests).

usage: http_poll.py <base url> <topic> <count>

Puts <count> records {"n": i}: the first half one POST each, the rest as one newline-delimited
batch. Then polls GET /get/<topic>?format=json a few records at a time, each time going on from
the x-kilgore-last-offset header + 1, until it has read them all, and prints
{"put": [offsets], "read": [values], "polls": <GETs made>}.
Then it prints {"waiting": <offset>} and long-polls (wait_ms) for one more record, which the
test produces with a Kafka client, and prints {"woken": [values], "last": <header>}.
Last, it asks for a topic that does not exist and prints {"error": <the JSON error body>}.
"""
import json
import sys
import urllib.error
import urllib.request

base, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])


def out(obj):
    print(json.dumps(obj), flush=True)


def post(path, body):
    req = urllib.request.Request(base + path, data=body, method='POST')
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def get(path):
    with urllib.request.urlopen(base + path, timeout=60) as res:
        return json.loads(res.read()), int(res.headers['x-kilgore-last-offset'])


half = count // 2
offsets = [post('/put/%s' % topic, json.dumps({'n': i}).encode())['offset'] for i in range(half)]
batch = '\n'.join(json.dumps({'n': i}) for i in range(half, count)).encode()
offsets += post('/put/%s?format=ndjson' % topic, batch)['offsets']

read, polls, next_offset = [], 0, 0
while len(read) < count:
    values, last = get('/get/%s?from=%d&format=json&limit=3&wait_ms=5000' % (topic, next_offset))
    polls += 1
    read += values
    next_offset = last + 1
out({'put': offsets, 'read': read, 'polls': polls})

out({'waiting': next_offset})
values, last = get('/get/%s?from=%d&format=json&wait_ms=25000' % (topic, next_offset))
out({'woken': values, 'last': last})

try:
    get('/get/no-such-topic-here')
    out({'error': None})
except urllib.error.HTTPError as e:
    out({'error': json.loads(e.read()), 'status': e.code})
