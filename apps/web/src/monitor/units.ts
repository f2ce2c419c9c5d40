// Axis and tooltip labels for the probes' units (as the collector stores them: `bytes`, `bytes/s`,
// `%`, `s`, `ms/s`, `transactions/s`, …).

const BYTE_STEPS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A short number: 0.25, 12.5, 1,250, 1.2M. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  if (abs < 0.01) return value.toExponential(1);
  return trim(value);
}

function trim(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** 1536 → "1.5 KiB". */
export function humanBytes(value: number): string {
  let step = 0;
  let scaled = Math.abs(value);
  while (scaled >= 1024 && step < BYTE_STEPS.length - 1) {
    scaled /= 1024;
    step++;
  }
  return `${value < 0 ? '-' : ''}${trim(scaled)} ${BYTE_STEPS[step]}`;
}

/** 95 → "1m 35s"; 0.25 → "250 ms". */
export function humanSeconds(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1) return `${trim(value * 1000)} ms`;
  if (abs < 120) return `${trim(value)} s`;
  if (abs < 7200) return `${Math.floor(value / 60)}m ${Math.round(value % 60)}s`;
  if (abs < 172_800) return `${trim(value / 3600)} h`;
  return `${trim(value / 86_400)} d`;
}

/** The number with its unit, as an axis tick or the cursor's value shows it. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const perSecond = unit.endsWith('/s');
  const base = perSecond ? unit.slice(0, -2) : unit;
  const suffix = perSecond ? '/s' : '';
  if (base === 'bytes') return `${humanBytes(value)}${suffix}`;
  if (base === '%') return `${trim(value)} %`;
  if (base === 's' && !perSecond) return humanSeconds(value);
  if (base === 'ms' && !perSecond) return humanSeconds(value / 1000);
  return `${shortNumber(value)}${suffix}`;
}

/** The axis title of a unit: "bytes/s", "%", "sessions". */
export function unitLabel(unit: string): string {
  return unit === 'ms/s' ? 'ms per second' : unit;
}
