const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i;

/**
 * A tool's time argument: a relative span back from `now` (`90s`, `15m`, `1h`, `7d`, `2w`), `now`,
 * or an ISO 8601 time. Undefined when it is none of these.
 */
export function parseTimeArg(value: string, now: Date): Date | undefined {
  const text = value.trim();
  if (text.toLowerCase() === 'now') return now;
  const relative = RELATIVE.exec(text);
  if (relative)
    return new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2]!.toLowerCase()] ?? 0));
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
