import type { ProbeColumn } from '../probe.js';

/** A gauge column (stored as read). */
export function gauge(name: string, unit: string, description: string): ProbeColumn {
  return { name, unit, kind: 'gauge', description };
}

/** A counter column (stored as a per-second rate; `unit` is the counted thing, `/s` is added). */
export function counter(name: string, unit: string, description: string): ProbeColumn {
  return { name, unit: `${unit}/s`, kind: 'counter', description };
}
