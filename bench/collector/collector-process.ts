/**
 * The collector of bench/collector/overhead.ts, in a process of its own so that process.cpuUsage()
 * counts the collector alone (the workload's driver runs in the parent). Started with fork(); the
 * parent sends `{ type: 'stop' }` and gets `{ type: 'stopped', cpuUs, wallMs, statuses }` back.
 *
 * argv: <datastore url> <monitored url> <interval scale>
 */
import { createCollector } from '@pgmcp/collector';
import { createDatastore } from '@pgmcp/datastore';
import { targetOf } from './setup.js';

const [datastoreUrl, monitoredUrl, scale] = process.argv.slice(2);
if (!datastoreUrl || !monitoredUrl || !process.send) throw new Error('start me through overhead.ts');
const send = process.send.bind(process);

const datastore = await createDatastore({ url: datastoreUrl });
const collector = createCollector({
  datastore,
  intervalScale: Number(scale ?? 1),
  // The compressed run keeps the datastore's maintenance at its own (scaled) cadence too.
  maintenanceIntervalS: 300 * Number(scale ?? 1),
  onError: (error, context) => process.stderr.write(`collector: ${context}: ${String(error)}\n`),
});
// Measured from here: module loading and the datastore's migration are not collection.
const cpuAtStart = process.cpuUsage();
const startedAt = performance.now();
await collector.setTargets([targetOf('bench', monitoredUrl)]);
send({ type: 'started' });

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stop') return;
  const cpu = process.cpuUsage(cpuAtStart);
  const wallMs = performance.now() - startedAt;
  void (async () => {
    const statuses = await datastore.listStatus(['bench']);
    await collector.stop();
    await datastore.close();
    const count = (status: string) => statuses.filter((s) => s.probe !== '*' && s.status === status).length;
    send(
      {
        type: 'stopped',
        cpuUs: cpu.user + cpu.system,
        wallMs,
        statuses: { ok: count('ok'), skipped: count('skipped'), error: count('error') },
      },
      () => process.exit(0),
    );
  })();
});
