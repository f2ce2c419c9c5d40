import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_QUESTIONS, describeDemo } from './describe-demo.js';
import { DEMO_DATA_VERSION, DEMO_TABLES } from './demo-tables.js';

describe('describeDemo', () => {
  const text = describeDemo();

  it('lists every table with its row count', () => {
    for (const t of DEMO_TABLES) {
      const line = text.split('\n').find((l) => l.trim().startsWith(`${t.schema}.${t.name} `));
      expect(line, `${t.schema}.${t.name}`).toBeDefined();
      expect(line).toContain(`${t.rows.toLocaleString('en-US')} rows`);
    }
    expect(text).toContain('119,628 rows');
  });

  it('names the version and suggests the example questions', () => {
    expect(text).toContain(`data version ${DEMO_DATA_VERSION}`);
    for (const q of DEMO_QUESTIONS) expect(text).toContain(q);
  });

  it('is short enough to print at start', () => {
    expect(text.split('\n').length).toBeLessThan(40);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(110);
  });
});

describe('README', () => {
  it('documents every relation with its row count', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const t of DEMO_TABLES) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${t.schema}.${t.name}\``));
      expect(row, `${t.schema}.${t.name}`).toBeDefined();
      expect(row).toContain(` ${t.rows.toLocaleString('en-US')} |`);
      expect(row).toContain(`| ${t.kind} `);
    }
  });
});
