import { type BrokerConfig, ConfigError } from '@kilgore/broker';

/** The ingest's settings (packages/broker/src/config/ingest-definitions.ts), typed. */
export interface IngestConfig {
  socketPath: string;
  /** Permission bits of the socket file, e.g. 0o660. */
  socketMode: number;
  batchRecords: number;
  batchMs: number;
  batchBytes: number;
  maxFrameBytes: number;
  bufferBytes: number;
  acks: -1 | 1;
  principal: string;
}

/** The ingest settings of a loaded broker config; null when kilgore.ingest.socket is unset. */
export function ingestConfigFrom(config: BrokerConfig): IngestConfig | null {
  const get = (name: string) => config.settings.get(name);
  const socket = get('kilgore.ingest.socket');
  if (socket === undefined || socket.value === null || socket.value === '') return null;
  const mode = get('kilgore.ingest.socket.mode');
  const modeText = String(mode?.value ?? '0660');
  if (!/^0?[0-7]{3}$/.test(modeText)) {
    throw new ConfigError(
      'kilgore.ingest.socket.mode',
      mode?.origin ?? 'default',
      `'${modeText}' is not octal permission bits such as 0660`,
    );
  }
  const num = (name: string, fallback: number): number => {
    const v = get(name)?.value;
    return typeof v === 'number' ? v : fallback;
  };
  const acks = String(get('kilgore.ingest.acks')?.value ?? 'all');
  return {
    socketPath: String(socket.value),
    socketMode: Number.parseInt(modeText, 8),
    batchRecords: num('kilgore.ingest.batch.records', 1000),
    batchMs: num('kilgore.ingest.batch.ms', 5),
    batchBytes: num('kilgore.ingest.batch.bytes', 1_000_000),
    maxFrameBytes: num('kilgore.ingest.max.message.bytes', 1 << 20),
    bufferBytes: num('kilgore.ingest.buffer.bytes', 64 << 20),
    acks: acks === '1' ? 1 : -1,
    principal: String(get('kilgore.ingest.principal')?.value ?? 'User:ANONYMOUS'),
  };
}
