import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { ConfigError } from '@pgmcp/config';
import {
  adminQuery,
  createTestDatabase,
  type TestDatabase,
  useTestDatabase,
} from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startCollectorProcess } from '../../src/collector-process.js';

const db = useTestDatabase('collector-process');
let store: TestDatabase;
beforeAll(async () => {
  store = await createTestDatabase('collector-process-store');
});
afterAll(async () => {
  await store?.drop();
});

function dirWith(yaml: string): string {
  const cwd = makeTempDir('pgmcp-collector-process-');
  writeFileSync(path.join(cwd, 'pgmcp.yaml'), yaml);
  return cwd;
}

const logger = createLogger('silent', { pretty: false });

describe('pgmcp collector (the collector as a process of its own)', () => {
  it('collects the monitored connections into the datastore without the server', async () => {
    const cwd = dirWith(
      [
        'connections:',
        '  - name: shop',
        `    url: ${db.url}`,
        '    is_monitored: true',
        'collector:',
        '  interval_scale: 0.01',
      ].join('\n'),
    );
    const running = await startCollectorProcess({
      env: { PGMCP_DATA_DIR: path.join(cwd, 'data'), PGMCP_DATASTORE_URL: store.url },
      cwd,
      logger,
    });
    try {
      expect(running.monitoring.collector?.leading()).toEqual(['shop']);
      const count = async () =>
        (await adminQuery(store.url, `select 1 from metrics_samples where connection_id = 'shop' limit 5`))
          .length;
      await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });

  it('sends the notifications of the alerts it evaluates', async () => {
    const bodies: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => (bodies.push(body), response.writeHead(204).end()));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const cwd = dirWith(
      [
        'connections:',
        '  - name: shop',
        `    url: ${db.url}`,
        '    is_monitored: true',
        // The test collects and evaluates on demand.
        'collector:',
        '  interval_scale: 100',
        'alerts:',
        '  evaluation_interval_s: 3600',
      ].join('\n'),
    );
    const running = await startCollectorProcess({
      env: { PGMCP_DATA_DIR: path.join(cwd, 'data'), PGMCP_DATASTORE_URL: store.url },
      cwd,
      logger,
    });
    try {
      const { port } = receiver.address() as { port: number };
      await running.notifier.createChannel({
        kind: 'webhook',
        name: 'collector hook',
        url: `http://127.0.0.1:${port}/hook`,
        min_severity: 'critical',
      });
      await running.monitoring.alerter.createRule({
        id: 'process_any_backend',
        name: 'Any backend',
        probe: 'connection_usage',
        metric: 'pct_used',
        threshold: 0,
        severity: 'critical',
      });
      await running.monitoring.collector!.collectNow('shop', ['connection_usage']);
      await running.monitoring.alertSchedule!.tick();
      await expect.poll(() => bodies.find((b) => b.includes('"process_any_backend"'))).toBeDefined();
      expect(JSON.parse(bodies.find((b) => b.includes('"process_any_backend"'))!)).toMatchObject({
        type: 'alert.fired',
        alert: { rule_id: 'process_any_backend', connection_id: 'shop' },
      });
    } finally {
      await running.close();
      receiver.close();
    }
  });

  it('refuses to start without a PostgreSQL datastore, saying which key to set', async () => {
    const cwd = dirWith('connections: []\n');
    const start = startCollectorProcess({ env: { PGMCP_DATA_DIR: path.join(cwd, 'data') }, cwd, logger });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/datastore\.url \(PGMCP_DATASTORE_URL\)/);
  });
});
