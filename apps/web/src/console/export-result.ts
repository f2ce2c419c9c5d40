import { plainValue } from './result-values.js';

/** Rows and columns to export. */
export interface ExportTable {
  columns: readonly { name: string; type?: string }[];
  rows: readonly (readonly unknown[])[];
}

export type ExportFormat = 'csv' | 'json' | 'md';

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = plainValue(value);
  return /[",\r\n]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line; NULL is an empty field, an empty string is `""`. */
export function toCsv({ columns, rows }: ExportTable): string {
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((_, i) => csvField(row[i])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** An array of objects keyed by column name; exact numbers stay strings, json stays json. */
export function toJson({ columns, rows }: ExportTable): string {
  const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])));
  return `${JSON.stringify(objects, null, 2)}\n`;
}

function mdCell(value: unknown, isNull = value === null || value === undefined): string {
  if (isNull) return 'NULL';
  return plainValue(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured Markdown table. */
export function toMarkdown({ columns, rows }: ExportTable): string {
  const head = `| ${columns.map((c) => mdCell(c.name)).join(' | ')} |`;
  const rule = `| ${columns.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((_, i) => mdCell(row[i])).join(' | ')} |`);
  return `${[head, rule, ...body].join('\n')}\n`;
}

export const EXPORTS: Record<
  ExportFormat,
  { label: string; mime: string; render: (t: ExportTable) => string }
> = {
  csv: { label: 'CSV', mime: 'text/csv', render: toCsv },
  json: { label: 'JSON', mime: 'application/json', render: toJson },
  md: { label: 'Markdown', mime: 'text/markdown', render: toMarkdown },
};

/** Saves text as a file through the browser's download. */
export function download(name: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
