import { ConfigError } from '@pgmcp/config';
import { startServer } from './start.js';

/** `node dist/main.js`: the server configured by pgmcp.yaml and PGMCP_* variables. */
async function main(): Promise<void> {
  const server = await startServer({ surviveUncaughtErrors: true });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    server.logger.info(`${signal} received, shutting down (press Ctrl-C again to force)`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `pgmcp cannot start: ${error.message}\n`
      : `pgmcp cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
