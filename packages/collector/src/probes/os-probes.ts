import { statfs } from 'node:fs/promises';
import os from 'node:os';
import type { ProbeDefinition } from '../probe.js';
import { gauge } from './columns.js';

export const osLoad: ProbeDefinition = {
  name: 'os_load',
  description: "Load averages of the host PostgreSQL runs on (only when it runs on the collector's host).",
  intervalS: 60,
  timeoutMs: 1000,
  dims: [],
  localOnly: true,
  columns: [
    gauge('load1', 'load', '1-minute load average'),
    gauge('load5', 'load', '5-minute load average'),
    gauge('load15', 'load', '15-minute load average'),
    gauge('cpus', 'cpus', 'Logical CPUs'),
  ],
  collect: () => {
    const [load1, load5, load15] = os.loadavg();
    return Promise.resolve([
      { load1: load1 ?? 0, load5: load5 ?? 0, load15: load15 ?? 0, cpus: os.cpus().length },
    ]);
  },
};

export const osMemory: ProbeDefinition = {
  name: 'os_memory',
  description: 'Memory of the host PostgreSQL runs on (only when local).',
  intervalS: 60,
  timeoutMs: 1000,
  dims: [],
  localOnly: true,
  columns: [
    gauge('total_bytes', 'bytes', 'Physical memory'),
    gauge('free_bytes', 'bytes', 'Free memory'),
    gauge('pct_used', '%', 'Share in use'),
  ],
  collect: () => {
    const total = os.totalmem();
    const free = os.freemem();
    return Promise.resolve([
      { total_bytes: total, free_bytes: free, pct_used: Math.round((1000 * (total - free)) / total) / 10 },
    ]);
  },
};

export const osDisk: ProbeDefinition = {
  name: 'os_disk',
  description:
    'Free space of the file system holding the data directory (only when local; reading data_directory needs superuser or pg_read_all_settings).',
  intervalS: 300,
  timeoutMs: 5000,
  dims: [],
  localOnly: true,
  privilege: 'superuser or pg_read_all_settings (to read data_directory)',
  columns: [
    gauge('total_bytes', 'bytes', 'File system size'),
    gauge('free_bytes', 'bytes', 'Space available to PostgreSQL'),
    gauge('pct_used', '%', 'Share in use'),
  ],
  collect: async (context) => {
    const [row] = await context.query(`select current_setting('data_directory') as dir`);
    const stats = await statfs(String(row?.dir));
    const total = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    return [
      { total_bytes: total, free_bytes: free, pct_used: Math.round((1000 * (total - free)) / total) / 10 },
    ];
  },
};
