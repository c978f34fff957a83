<?php
// One short-lived writer, as a PHP-FPM request would be: connect to Kilgore's ingest socket,
// write each message as one kahego frame in one fwrite, close. Every third message has no key.
// Usage: php ingest-writer.php <socket> <topic> <writer-id> <count> [ack]
// With "ack" it shuts down its sending side and prints the broker's OK/ERR line.
[$_, $socket, $topic, $writer, $count] = $argv;
$ack = ($argv[5] ?? '') === 'ack';

function frame(string $topic, string $key, string $value): string {
    $body = chr(strlen($topic)) . $topic . chr(strlen($key)) . $key . $value;
    return pack('V', strlen($body)) . $body;
}

$sock = stream_socket_client("unix://$socket", $errno, $errstr, 5);
if (!$sock) {
    fwrite(STDERR, "connect failed: $errstr ($errno)\n");
    exit(1);
}
for ($i = 0; $i < (int)$count; $i++) {
    $key = $i % 3 === 2 ? '' : "k$writer-" . ($i % 5);
    if (fwrite($sock, frame($topic, $key, "w$writer-$i")) === false) {
        fwrite(STDERR, "write failed at $i\n");
        exit(1);
    }
}
if ($ack) {
    stream_socket_shutdown($sock, STREAM_SHUT_WR);
    echo stream_get_contents($sock);
}
fclose($sock);
