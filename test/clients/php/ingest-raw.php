<?php
// Writes raw bytes (given in hex) to the ingest socket, then shuts down its sending side and
// prints whatever the broker answers; "close" instead closes at once (no answer read).
// Usage: php ingest-raw.php <socket> <hex> [close]
[$_, $socket, $hex] = $argv;
$sock = stream_socket_client("unix://$socket", $errno, $errstr, 5);
if (!$sock) {
    fwrite(STDERR, "connect failed: $errstr ($errno)\n");
    exit(1);
}
@fwrite($sock, hex2bin($hex));
if (($argv[3] ?? '') === 'close') {
    fclose($sock);
    exit(0);
}
@stream_socket_shutdown($sock, STREAM_SHUT_WR);
echo stream_get_contents($sock);
fclose($sock);
