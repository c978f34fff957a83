import type { Socket } from 'node:net';

/**
 * max.connections.per.ip and max.connections: counts open TCP connections per client address
 * and in total; a connection over either limit is refused (closed at once, as Kafka does).
 */
export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerIp = Number.POSITIVE_INFINITY,
    private readonly maxTotal = Number.POSITIVE_INFINITY,
  ) {}

  /** Counts the socket (until it closes); returns why it is refused, or undefined. */
  admit(socket: Socket): string | undefined {
    const ip = socket.remoteAddress ?? '';
    const count = this.perIp.get(ip) ?? 0;
    if (count >= this.maxPerIp)
      return `${ip} already has ${count} connections (max.connections.per.ip); refusing one more`;
    if (this.total >= this.maxTotal)
      return `${this.total} connections open (max.connections); refusing one more`;
    this.perIp.set(ip, count + 1);
    this.total++;
    socket.once('close', () => {
      this.total--;
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    return undefined;
  }
}
