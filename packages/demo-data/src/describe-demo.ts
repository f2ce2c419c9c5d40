import { DEMO_DATA_VERSION, DEMO_SCHEMAS, DEMO_TABLES } from './demo-tables.js';

/** Questions the demo data answers well; good first prompts for the assistant. */
export const DEMO_QUESTIONS: readonly string[] = [
  'Which products sell best? Show the top 10 by revenue in 2025.',
  'Show the open support tickets about shipping, most urgent first.',
  'Why is SELECT * FROM sales.order_items WHERE product_id = 42 slow, and what index would fix it?',
  'How did monthly revenue per department develop from 2021 to 2025?',
  'What do customers complain about in 1- and 2-star reviews of kitchen products?',
  'Which warehouses are running low on stock, and which suppliers should we reorder from?',
  'Which support agents resolve tickets fastest, and how satisfied are their customers?',
  'How many orders used a coupon, and which coupon code was used most?',
];

const SCHEMA_BLURBS: Readonly<Record<string, string>> = {
  sales: 'customers, orders, order lines and reviews',
  inventory: 'catalogue, suppliers, warehouses and stock',
  support: 'agents, tickets and their messages',
};

/**
 * A short plain-text overview of the demo database (schemas, tables with row counts, questions
 * to ask) for the server to print at start or show in the web client.
 */
export function describeDemo(): string {
  const nameWidth = Math.max(...DEMO_TABLES.map((t) => `${t.schema}.${t.name}`.length));
  const rowsWidth = Math.max(...DEMO_TABLES.map((t) => t.rows.toLocaleString('en-US').length));
  const lines = [
    `pgmcp demo database (data version ${DEMO_DATA_VERSION})`,
    'A fictional online store selling outdoor, kitchen, home, electronics and apparel products, 2021-2025.',
    'Every table and column has a comment; the data is generated and the same on every install.',
    '',
  ];
  for (const schema of DEMO_SCHEMAS) {
    lines.push(`${schema}: ${SCHEMA_BLURBS[schema] ?? ''}`);
    for (const t of DEMO_TABLES.filter((table) => table.schema === schema)) {
      const kind = t.kind === 'table' ? '' : ` (${t.kind})`;
      lines.push(
        `  ${`${t.schema}.${t.name}`.padEnd(nameWidth)}  ${t.rows.toLocaleString('en-US').padStart(rowsWidth)} rows  ${t.description}${kind}`,
      );
    }
  }
  lines.push('', 'Try asking:', ...DEMO_QUESTIONS.map((q) => `  - ${q}`));
  return lines.join('\n');
}
