import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line. */
const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'api_key',
  '*.api_key',
  'apiKey',
  '*.apiKey',
  'url',
  '*.url',
];

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** One readable line per record for people at a terminal: time, level, message, then key=value pairs. */
function terminalStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const {
            level,
            time,
            msg,
            pid: _pid,
            hostname: _host,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>;
          const clock = new Date(time as number).toTimeString().slice(0, 8);
          const fields = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          out.write(
            `${clock} ${(LEVEL_NAMES[level as number] ?? String(level)).padEnd(5)} ${typeof msg === 'string' ? msg : ''}${fields ? `  ${fields}` : ''}\n`,
          );
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/**
 * The server's logger: JSON lines on stderr (stdout stays free for the banner and for stdio
 * MCP), readable lines when stderr is a terminal. Secrets are redacted by key.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (_label, number) => ({ level: number }) },
    },
    pretty ? terminalStream(process.stderr) : pino.destination({ fd: 2, sync: false }),
  );
}
