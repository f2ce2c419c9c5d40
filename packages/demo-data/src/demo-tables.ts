/** Version of the generated dataset; bumped whenever the generated content or schema changes. */
export const DEMO_DATA_VERSION = '1';

/** The schemas the demo data lives in (the read-only role gets USAGE on these). */
export const DEMO_SCHEMAS: readonly string[] = ['sales', 'inventory', 'support'];

/** One relation of the demo dataset with its exact row count. */
export interface DemoTable {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'view' | 'materialized view';
  /** Rows after seeding; the same on every run and every supported PostgreSQL version. */
  readonly rows: number;
  /** What it holds, in a few words. */
  readonly description: string;
}

/** Every table, view and materialized view the seed creates, with its row count. */
export const DEMO_TABLES: readonly DemoTable[] = [
  {
    schema: 'inventory',
    name: 'categories',
    kind: 'table',
    rows: 25,
    description: 'two-level product categories',
  },
  {
    schema: 'inventory',
    name: 'suppliers',
    kind: 'table',
    rows: 12,
    description: 'manufacturers with lead times',
  },
  {
    schema: 'inventory',
    name: 'products',
    kind: 'table',
    rows: 500,
    description: 'catalogue; jsonb attributes, text[] tags',
  },
  { schema: 'inventory', name: 'warehouses', kind: 'table', rows: 5, description: 'fulfilment centres' },
  {
    schema: 'inventory',
    name: 'stock_levels',
    kind: 'table',
    rows: 2187,
    description: 'stock per warehouse and product',
  },
  {
    schema: 'inventory',
    name: 'low_stock',
    kind: 'view',
    rows: 344,
    description: 'stock below the reorder point',
  },
  {
    schema: 'sales',
    name: 'customers',
    kind: 'table',
    rows: 5000,
    description: 'customers in 44 cities, 2020-2025',
  },
  {
    schema: 'sales',
    name: 'orders',
    kind: 'table',
    rows: 40_000,
    description: 'orders 2021-2025; status enum, jsonb metadata',
  },
  {
    schema: 'sales',
    name: 'order_items',
    kind: 'table',
    rows: 119_628,
    description: 'order lines (the big table)',
  },
  {
    schema: 'sales',
    name: 'product_reviews',
    kind: 'table',
    rows: 8000,
    description: 'ratings and review text',
  },
  {
    schema: 'sales',
    name: 'order_summaries',
    kind: 'view',
    rows: 40_000,
    description: 'orders with customer and line counts',
  },
  {
    schema: 'sales',
    name: 'monthly_revenue',
    kind: 'materialized view',
    rows: 300,
    description: 'revenue per month and department',
  },
  { schema: 'support', name: 'agents', kind: 'table', rows: 18, description: 'support staff in three teams' },
  {
    schema: 'support',
    name: 'tickets',
    kind: 'table',
    rows: 3000,
    description: 'support tickets; status and priority enums',
  },
  {
    schema: 'support',
    name: 'ticket_messages',
    kind: 'table',
    rows: 12_892,
    description: 'the conversation on each ticket',
  },
  {
    schema: 'support',
    name: 'open_tickets',
    kind: 'view',
    rows: 218,
    description: 'tickets still open or pending',
  },
];
