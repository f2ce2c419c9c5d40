import {
  AGENTS,
  type AttributeKind,
  type ProductRow,
  SUPPLIERS,
  WAREHOUSES,
  buildCategories,
} from './catalog.js';
import { escapeIdentifier } from 'pg';
import type { DemoClient } from './client.js';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, INTERESTS, LAST_NAMES } from './people-and-places.js';
import {
  REVIEW_CLOSINGS,
  REVIEW_COMPLAINTS,
  REVIEW_COMPLAINTS_BY_KIND,
  REVIEW_OPENINGS,
  REVIEW_PRAISE,
  REVIEW_PRAISE_BY_KIND,
  REVIEW_TITLES,
} from './review-phrases.js';
import {
  AGENT_UPDATES,
  CUSTOMER_FOLLOW_UPS,
  CUSTOMER_THANKS,
  type ScenarioTextKind,
  TICKET_SCENARIOS,
} from './ticket-scenarios.js';
import { Params, between, pick, rnd } from './sql-builder.js';

/** How many rows the generator draws for the tables whose size it chooses. */
export const SIZES = {
  customers: 5000,
  products: 500,
  orders: 40_000,
  reviews: 8000,
  tickets: 3000,
} as const;

/** The demo's "now": orders span 2021-01-01 up to here, open tickets are recent relative to it. */
const NOW = `timestamptz '2026-01-01 00:00:00+00'`;
/** Days from 2021-01-01 to 2025-12-31 inclusive. */
const DAYS = 1826;
/** Customers sign up evenly over the days from 2020-09-01 to 2025-12-01, in customer_id order. */
const SIGNUP_DAYS = 1917;
/** Days from 2020-09-01 to 2021-01-01: an order on day d can come from customers who signed up by then. */
const SIGNUP_DAYS_BEFORE_2021 = 122;

const COUPONS = ['WELCOME10', 'SAVE15', 'FRIENDS20', 'LOYALTY10', 'FREESHIP'];
const COUPON_PERCENTS = [10, 15, 20, 10, 0];
/** Coupon numbers (1-based) repeated by popularity: WELCOME10 most, FRIENDS20 least. */
const COUPON_DRAW = [1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 5, 5];

/** `weight` copies of each city, so picking uniformly from the result favours big cities. */
function weightedCities(): { city: string[]; country: string[]; code: string[]; calling: string[] } {
  const out = {
    city: [] as string[],
    country: [] as string[],
    code: [] as string[],
    calling: [] as string[],
  };
  for (const c of CITIES) {
    for (let i = 0; i < c.weight; i++) {
      out.city.push(c.city);
      out.country.push(c.country);
      out.code.push(c.countryCode);
      out.calling.push(c.callingCode);
    }
  }
  return out;
}

/** SQL for a 1-based index into `array`. */
function indexInto(array: string, seed: number, key: string): string {
  return `(1 + floor(${rnd(seed, key)} * cardinality(${array}))::int)`;
}

function asciiSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.');
}

/** Categories, suppliers, products, warehouses and agents: small, hand-written or built in TS. */
export async function insertReferenceData(
  client: DemoClient,
  products: readonly ProductRow[],
): Promise<void> {
  const categories = buildCategories();
  await client.query(
    `INSERT INTO inventory.categories (category_id, parent_id, name, slug)
     SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[])`,
    [
      categories.map((c) => c.categoryId),
      categories.map((c) => c.parentId),
      categories.map((c) => c.name),
      categories.map((c) => c.slug),
    ],
  );
  await client.query(
    `INSERT INTO inventory.suppliers (supplier_id, name, country, contact_email, lead_time_days)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[])`,
    [
      SUPPLIERS.map((_, i) => i + 1),
      SUPPLIERS.map((s) => s.name),
      SUPPLIERS.map((s) => s.country),
      SUPPLIERS.map((s) => s.email),
      SUPPLIERS.map((s) => s.leadTimeDays),
    ],
  );
  await client.query(
    `INSERT INTO inventory.products
       (product_id, sku, name, category_id, supplier_id, price, cost, attributes, tags, launched_on, is_active)
     SELECT id, sku, name, category_id, supplier_id, price, cost, attributes::jsonb,
            string_to_array(tags, ','), launched_on, is_active
     FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::numeric[], $7::numeric[],
                 $8::text[], $9::text[], $10::date[], $11::bool[])
       AS t(id, sku, name, category_id, supplier_id, price, cost, attributes, tags, launched_on, is_active)`,
    [
      products.map((p) => p.productId),
      products.map((p) => p.sku),
      products.map((p) => p.name),
      products.map((p) => p.categoryId),
      products.map((p) => p.supplierId),
      products.map((p) => p.price),
      products.map((p) => p.cost),
      products.map((p) => JSON.stringify(p.attributes)),
      products.map((p) => p.tags.join(',')),
      products.map((p) => p.launchedOn),
      products.map((p) => p.active),
    ],
  );
  await client.query(
    `INSERT INTO inventory.warehouses (warehouse_id, code, name, city, country, opened_on)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[])`,
    [
      WAREHOUSES.map((_, i) => i + 1),
      WAREHOUSES.map((w) => w.code),
      WAREHOUSES.map((w) => w.name),
      WAREHOUSES.map((w) => w.city),
      WAREHOUSES.map((w) => w.country),
      WAREHOUSES.map((w) => w.openedOn),
    ],
  );
  await client.query(
    `INSERT INTO support.agents (agent_id, full_name, email, team, hired_on)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::date[])`,
    [
      AGENTS.map((_, i) => i + 1),
      AGENTS.map((a) => a.name),
      AGENTS.map((a) => `${asciiSlug(a.name)}@support.demo-store.example`),
      AGENTS.map((a) => a.team),
      AGENTS.map((a) => a.hiredOn),
    ],
  );
}

/** Stock of every product in every warehouse (the newest warehouse carries only part of the range). */
export async function insertStockLevels(client: DemoClient): Promise<void> {
  const k = 'p.product_id * 16 + w.warehouse_id';
  await client.query(`
    INSERT INTO inventory.stock_levels (warehouse_id, product_id, quantity_on_hand, reorder_point, last_restocked_at)
    SELECT w.warehouse_id, p.product_id,
           CASE WHEN NOT p.is_active OR ${rnd(702, k)} < 0.04 THEN 0
                ELSE floor(pow(${rnd(703, k)}, 1.2) * 500)::int END,
           ${between(704, k, 15, 60)},
           ${NOW} - make_interval(hours => ${between(705, k, 6, 24 * 90)})
    FROM inventory.warehouses w CROSS JOIN inventory.products p
    WHERE w.code <> 'AU1' OR ${rnd(701, k)} < 0.4`);
}

/** Customers, sign-up dates growing with customer_id from 2020-09-01 to 2025-12-01. */
export async function insertCustomers(client: DemoClient): Promise<void> {
  const p = new Params();
  const cities = weightedCities();
  const city = p.list(cities.city);
  const interests = p.list(INTERESTS);
  await client.query(
    `
    INSERT INTO sales.customers (customer_id, first_name, last_name, email, phone, city, country, country_code,
                                 segment, interests, marketing_opt_in, signed_up_on)
    SELECT i, n.first_name, n.last_name,
           CASE ${between(105, 'i', 0, 3)}
             WHEN 0 THEN n.first_ascii || '.' || n.last_ascii
             WHEN 1 THEN n.first_ascii || n.last_ascii
             WHEN 2 THEN left(n.first_ascii, 1) || n.last_ascii
             ELSE n.last_ascii || '.' || n.first_ascii
           END || i || '@' || ${pick(p.list(EMAIL_DOMAINS), 106, 'i')},
           CASE WHEN ${rnd(107, 'i')} < 0.8 THEN
             '+' || (${p.list(cities.calling)})[n.ci] || ' ' || substr(n.digits, 1, 3) || ' ' ||
             substr(n.digits, 4, 3) || ' ' || substr(n.digits, 7, 4)
           END,
           (${city})[n.ci], (${p.list(cities.country)})[n.ci], (${p.list(cities.code)})[n.ci],
           CASE WHEN ${rnd(108, 'i')} < 0.85 THEN 'consumer'
                WHEN ${rnd(108, 'i')} < 0.96 THEN 'small_business' ELSE 'education' END,
           ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[
             CASE WHEN ${rnd(109, 'i')} < 0.85 THEN ${pick(interests, 110, 'i')} END,
             CASE WHEN ${rnd(111, 'i')} < 0.55 THEN ${pick(interests, 112, 'i')} END,
             CASE WHEN ${rnd(113, 'i')} < 0.25 THEN ${pick(interests, 114, 'i')} END
           ]) AS x WHERE x IS NOT NULL ORDER BY x),
           ${rnd(115, 'i')} < 0.55,
           date '2020-09-01' + floor((i - 1) * ${SIGNUP_DAYS} / ${SIZES.customers}.0)::int
    FROM generate_series(1, ${SIZES.customers}) AS i
    CROSS JOIN LATERAL (
      SELECT f AS first_name, l AS last_name,
             regexp_replace(translate(lower(f), 'áàâäãçéèêëíìîïñóòôöõúùûü', 'aaaaaceeeeiiiinooooouuuu'), '[^a-z]', '', 'g') AS first_ascii,
             regexp_replace(translate(lower(l), 'áàâäãçéèêëíìîïñóòôöõúùûü', 'aaaaaceeeeiiiinooooouuuu'), '[^a-z]', '', 'g') AS last_ascii,
             ${indexInto(city, 103, 'i')} AS ci,
             lpad(floor(${rnd(104, 'i')} * 10000000000)::bigint::text, 10, '0') AS digits
      FROM (SELECT ${pick(p.list(FIRST_NAMES), 101, 'i')} AS f, ${pick(p.list(LAST_NAMES), 102, 'i')} AS l) AS names
    ) AS n`,
    p.values,
  );
}

/**
 * Draws the orders into a temporary table (dropped at commit): date, customer, number of lines,
 * coupon. Order lines are generated from it, then the orders themselves with totals that add up.
 * Volume grows over the years with a bump before the holidays; order_id follows ordered_at.
 */
export async function drawOrders(client: DemoClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE demo_orders (
      order_id integer PRIMARY KEY, day integer NOT NULL, ordered_at timestamptz NOT NULL,
      customer_id integer NOT NULL, line_count integer NOT NULL, coupon integer
    ) ON COMMIT DROP`);
  await client.query(`
    INSERT INTO demo_orders (order_id, day, ordered_at, customer_id, line_count, coupon)
    SELECT row_number() OVER (ORDER BY ordered_at, s), day, ordered_at,
           1 + floor(least(${SIZES.customers}, floor((day + ${SIGNUP_DAYS_BEFORE_2021}) * ${SIZES.customers} / ${SIGNUP_DAYS}.0)::int + 1)
                     * pow(${rnd(204, 's')}, 1.3))::int,
           ${between(205, 's', 1, 5)},
           CASE WHEN ${rnd(206, 's')} < 0.18 THEN ('{${COUPON_DRAW.join(',')}}'::int[])[${between(207, 's', 1, COUPON_DRAW.length)}] END
    FROM (
      SELECT s, day, timestamptz '2021-01-01 00:00:00+00'
                     + make_interval(days => day, secs => 25200 + floor(${rnd(203, 's')} * 57600))
                   AS ordered_at
      FROM (
        SELECT s,
               CASE WHEN ${rnd(200, 's')} < 0.12
                      THEN make_date(2021 + least(4, floor(5 * sqrt(${rnd(201, 's')}))::int), 11, 20)
                           + floor(34 * ${rnd(202, 's')})::int - date '2021-01-01'
                    WHEN ${rnd(208, 's')} < 0.35 THEN floor(${DAYS} * ${rnd(209, 's')})::int
                    ELSE floor(${DAYS} * sqrt(${rnd(209, 's')}))::int
               END AS day
        FROM generate_series(1, ${SIZES.orders}) AS s
      ) AS days
    ) AS timed`);
}

/**
 * Order lines. Products are drawn with a skew (a few best sellers, a long tail) through a
 * permutation so the best sellers are spread over categories; a product drawn twice for one
 * order is kept once. Older orders paid lower list prices.
 */
export async function insertOrderItems(client: DemoClient): Promise<void> {
  const k = 'o.order_id * 8 + l';
  await client.query(
    `
    INSERT INTO sales.order_items (order_id, line_number, product_id, quantity, unit_price, discount_percent)
    SELECT order_id, row_number() OVER (PARTITION BY order_id ORDER BY l), product_id, quantity, unit_price, discount
    FROM (
      SELECT DISTINCT ON (o.order_id, p.product_id) o.order_id, l, p.product_id,
             CASE WHEN ${rnd(211, k)} < 0.72 THEN 1 WHEN ${rnd(211, k)} < 0.92 THEN 2 ELSE ${between(212, k, 3, 6)} END
               AS quantity,
             least(p.price, floor(p.price * (0.86 + 0.14 * o.day / ${DAYS - 1}.0)) + (p.price - floor(p.price)))
               AS unit_price,
             coalesce(($1::int[])[o.coupon], 0) AS discount
      FROM demo_orders o
      CROSS JOIN LATERAL generate_series(1, o.line_count) AS l
      JOIN inventory.products p
        ON p.product_id = 1 + (floor(${SIZES.products} * pow(${rnd(210, k)}, 1.5))::int * 293 + 137) % ${SIZES.products}
      ORDER BY o.order_id, p.product_id, l
    ) AS lines`,
    [COUPON_PERCENTS],
  );
}

/**
 * Orders, with status and shipping dates that fit their age, and totals from their lines.
 * Each `OFFSET 0` keeps a derived column computed once per row: without it PostgreSQL inlines the
 * subquery and evaluates the expression again wherever an outer level mentions it.
 */
export async function insertOrders(client: DemoClient): Promise<void> {
  const p = new Params();
  const cities = weightedCities();
  const city = p.list(cities.city);
  const k = 'd.order_id';
  await client.query(
    `
    INSERT INTO sales.orders (order_id, order_number, customer_id, ordered_at, status, channel, shipping_city,
                              shipping_country, subtotal, shipping_cost, total_amount, shipped_at, delivered_at, metadata)
    SELECT d.order_id, 'SO-' || extract(year FROM d.ordered_at) || '-' || lpad(d.order_id::text, 6, '0'),
           d.customer_id, d.ordered_at, d.status, d.channel, d.city, d.country,
           d.subtotal, d.shipping_cost, d.subtotal + d.shipping_cost, d.shipped_at,
           CASE WHEN d.status IN ('delivered', 'returned') THEN
             d.shipped_at + least(
               make_interval(hours => ${between(225, k, 20, 160)} + CASE WHEN d.domestic THEN 0 ELSE 72 END),
               (${NOW} - d.shipped_at) * 0.8)
           END,
           jsonb_strip_nulls(jsonb_build_object(
             'device', CASE d.channel
                         WHEN 'web' THEN ${pick(p.list(['desktop', 'desktop', 'mobile-web', 'tablet']), 230, k)}
                         WHEN 'mobile_app' THEN ${pick(p.list(['ios', 'android']), 230, k)} END,
             'utm_source', CASE WHEN d.channel IN ('web', 'mobile_app') THEN
                             ${pick(p.list(['google', 'direct', 'direct', 'newsletter', 'instagram', 'tiktok', 'referral']), 231, k)} END,
             'marketplace', CASE WHEN d.channel = 'marketplace' THEN ${pick(p.list(['Amazon', 'eBay', 'Zalando']), 232, k)} END,
             'coupon', (${p.list(COUPONS)})[d.coupon],
             'gift_wrap', CASE WHEN d.gift AND ${rnd(233, k)} < 0.6 THEN true END,
             'app_version', CASE WHEN d.channel = 'mobile_app' THEN
                              '4.' || d.day / 150 || '.' || ${between(234, k, 0, 4)} END))
    FROM (
      SELECT s.*,
             CASE WHEN s.coupon = ${COUPONS.indexOf('FREESHIP') + 1} OR s.subtotal >= 75 THEN 0
                  WHEN s.domestic THEN 6.95 ELSE 12.95 END AS shipping_cost,
             CASE WHEN s.status IN ('shipped', 'delivered', 'returned') THEN
               s.ordered_at + least(make_interval(hours => ${between(224, 's.order_id', 4, 60)}), (${NOW} - s.ordered_at) * 0.4)
             END AS shipped_at
      FROM (
        SELECT r.*, r.country IN ('United States', 'Canada') AS domestic,
               (CASE
                 WHEN r.age < 1.5 THEN CASE WHEN r.r < 0.5 THEN 'pending' ELSE 'paid' END
                 WHEN r.age < 5 THEN CASE WHEN r.r < 0.15 THEN 'paid' WHEN r.r < 0.2 THEN 'cancelled' ELSE 'shipped' END
                 WHEN r.age < 12 THEN CASE WHEN r.r < 0.45 THEN 'shipped' WHEN r.r < 0.5 THEN 'cancelled' ELSE 'delivered' END
                 ELSE CASE WHEN r.r < 0.035 THEN 'cancelled' WHEN r.r < 0.07 THEN 'returned' ELSE 'delivered' END
               END)::sales.order_status AS status,
               CASE WHEN r.channel_r < 0.64 - 0.2 * r.day / ${DAYS}.0 THEN 'web'
                    WHEN r.channel_r < 0.93 THEN 'mobile_app'
                    WHEN r.channel_r < 0.98 THEN 'marketplace'
                    ELSE 'phone' END AS channel
        FROM (
          SELECT o.*, t.subtotal,
                 extract(epoch FROM ${NOW} - o.ordered_at) / 86400 AS age,
                 ${rnd(220, 'o.order_id')} AS r,
                 ${rnd(221, 'o.order_id')} AS channel_r,
                 g.gift,
                 CASE WHEN g.gift THEN (${city})[g.ci] ELSE c.city END AS city,
                 CASE WHEN g.gift THEN (${p.list(cities.country)})[g.ci] ELSE c.country END AS country
          FROM demo_orders o
          JOIN (SELECT order_id, sum(line_total) AS subtotal FROM sales.order_items GROUP BY order_id) AS t
            ON t.order_id = o.order_id
          JOIN sales.customers c ON c.customer_id = o.customer_id
          CROSS JOIN LATERAL (SELECT ${rnd(222, 'o.order_id')} >= 0.88 AS gift,
                                     ${indexInto(city, 223, 'o.order_id')} AS ci) AS g
          OFFSET 0
        ) AS r
        OFFSET 0
      ) AS s
      OFFSET 0
    ) AS d`,
    p.values,
  );
}

/** A CASE over product kinds picking from each kind's own list. */
function byKind(
  p: Params,
  lists: Readonly<Record<AttributeKind, readonly string[]>>,
  seed: number,
  key: string,
  kind: string,
): string {
  const arms = Object.entries(lists).map(([k, list]) => `WHEN '${k}' THEN ${pick(p.list(list), seed, key)}`);
  return `CASE ${kind} ${arms.join(' ')} END`;
}

/**
 * Reviews of delivered order lines. Each product has a hidden quality that sets its average
 * rating; the text is composed from sentences matching the rating and the kind of product.
 */
export async function insertReviews(client: DemoClient, products: readonly ProductRow[]): Promise<void> {
  const p = new Params();
  const k = 'r.k';
  type BySentiment = { positive: readonly string[]; mixed: readonly string[]; negative: readonly string[] };
  const bySentiment = (lists: BySentiment, seed: number) =>
    `CASE r.sentiment WHEN 'positive' THEN ${pick(p.list(lists.positive), seed, k)}
                      WHEN 'mixed' THEN ${pick(p.list(lists.mixed), seed, k)}
                      ELSE ${pick(p.list(lists.negative), seed, k)} END`;
  // One sentence fits the kind of product, one is generic; which comes first is random.
  const praise = [byKind(p, REVIEW_PRAISE_BY_KIND, 412, k, 'r.kind'), pick(p.list(REVIEW_PRAISE), 413, k)];
  const complaint = [
    byKind(p, REVIEW_COMPLAINTS_BY_KIND, 414, k, 'r.kind'),
    pick(p.list(REVIEW_COMPLAINTS), 415, k),
  ];
  const flip = `${rnd(416, k)} < 0.5`;
  const either = ([a, b]: string[], first: boolean) =>
    first ? `CASE WHEN ${flip} THEN ${a} ELSE ${b} END` : `CASE WHEN ${flip} THEN ${b} ELSE ${a} END`;
  await client.query(
    `
    INSERT INTO sales.product_reviews (review_id, product_id, customer_id, order_id, rating, title, body, helpful_votes, reviewed_at)
    SELECT row_number() OVER (ORDER BY r.reviewed_at, r.k), r.product_id, r.customer_id, r.order_id, r.rating,
           format(${bySentiment(REVIEW_TITLES, 410)}, r.noun, r.n),
           format(concat_ws(' ',
             ${bySentiment(REVIEW_OPENINGS, 411)},
             CASE r.sentiment
               WHEN 'positive' THEN ${either(praise, true)}
               WHEN 'mixed' THEN ${either(praise, true)}
               ELSE ${either(complaint, true)} END,
             CASE r.sentiment
               WHEN 'positive' THEN CASE WHEN ${rnd(417, k)} < 0.6 THEN ${either(praise, false)} END
               WHEN 'mixed' THEN ${either(complaint, false)}
               ELSE CASE WHEN ${rnd(417, k)} < 0.5 THEN ${either(complaint, false)} END END,
             nullif(${bySentiment(REVIEW_CLOSINGS, 418)}, '')), r.noun, r.n),
           floor(pow(${rnd(419, k)}, 4) * 60)::int,
           r.reviewed_at
    FROM (
      SELECT c.*, (${p.list(products.map((x) => x.noun))})[c.product_id] AS noun,
             (${p.list(products.map((x) => x.kind))})[c.product_id] AS kind,
             ${between(420, 'c.k', 2, 9)} AS n,
             CASE WHEN c.rating >= 4 THEN 'positive' WHEN c.rating = 3 THEN 'mixed' ELSE 'negative' END AS sentiment
      FROM (
        SELECT c.*,
               -- A share of one-star reviews (more for worse products), the rest spread around the product's quality.
               CASE WHEN ${rnd(403, 'c.k')} < 0.03 + 0.12 * (1 - c.quality) THEN 1
                    ELSE least(5, greatest(1, round(3.4 + 1.8 * c.quality + (${rnd(404, 'c.k')} - 0.5) * 2.8)))::int
               END AS rating,
               least(${NOW} - interval '1 hour',
                     c.delivered_at + make_interval(hours => ${between(405, 'c.k', 12, 24 * 40)})) AS reviewed_at
        FROM (
          SELECT i.order_id, i.product_id, o.customer_id, o.delivered_at, i.order_id * 8 + i.line_number AS k,
                 ${rnd(402, 'i.product_id')} AS quality
          FROM sales.order_items i JOIN sales.orders o ON o.order_id = i.order_id
          WHERE o.status = 'delivered' AND ${rnd(400, 'i.order_id * 8 + i.line_number')} < 0.1
          ORDER BY ${rnd(401, 'i.order_id * 8 + i.line_number')}, i.order_id, i.line_number
          LIMIT ${SIZES.reviews}
        ) AS c
      ) AS c
    ) AS r`,
    p.values,
  );
}

/** Hands the scenario lists to SQL: each text kind flattened, with per-scenario start and count. */
class Scenarios {
  private readonly lists = new Map<ScenarioTextKind, { texts: string; starts: string; counts: string }>();
  /** SQL for the scenario number (1-based) of the ticket whose id is `ticketId`. */
  readonly of: (ticketId: string) => string;

  constructor(private readonly p: Params) {
    const weights = p.add(
      TICKET_SCENARIOS.flatMap((s, i) => Array<number>(s.weight).fill(i + 1)),
      'int[]',
    );
    this.of = (ticketId) => `(${weights})[1 + floor(${rnd(503, ticketId)} * cardinality(${weights}))::int]`;
  }

  /** SQL for the category of scenario `scenario`. */
  category(scenario: string): string {
    return `(${this.p.list(TICKET_SCENARIOS.map((s) => s.category))})[${scenario}]`;
  }

  /** SQL for the usual tag of scenario `scenario`. */
  tag(scenario: string): string {
    return `(${this.p.list(TICKET_SCENARIOS.map((s) => s.tag))})[${scenario}]`;
  }

  /** SQL picking the text of `kind` for the ticket `ticketId` (its variant) from scenario `scenario`. */
  text(kind: ScenarioTextKind, ticketId: string, scenario: string): string {
    let list = this.lists.get(kind);
    if (!list) {
      // Parameters are added only when used: PostgreSQL rejects parameters a statement never mentions.
      const starts: number[] = [];
      const texts: string[] = [];
      for (const s of TICKET_SCENARIOS) {
        starts.push(texts.length + 1);
        texts.push(...s[kind]);
      }
      list = {
        texts: this.p.list(texts),
        starts: this.p.add(starts, 'int[]'),
        counts: this.p.add(
          TICKET_SCENARIOS.map((s) => s[kind].length),
          'int[]',
        ),
      };
      this.lists.set(kind, list);
    }
    return `(${list.texts})[(${list.starts})[${scenario}] + floor(${rnd(504, ticketId)} * (${list.counts})[${scenario}])::int]`;
  }

  /** SQL for a format() argument list shared by subjects and messages. */
  static formatArgs(row: string): string {
    return `${row}.order_number, ${row}.product_name, ${row}.first_name, ${row}.agent_first_name, ${row}.city,
            ${between(602, `${row}.ticket_id`, 2, 14)}, '$' || to_char(${row}.total_amount, 'FM999,990.00')`;
  }
}

/**
 * Tickets about a sample of shipped orders, each following a scenario (see ticket-scenarios.ts). Recent
 * tickets are mostly open or pending; a few old ones were forgotten. Agents come from the right
 * team among those hired by then.
 */
export async function insertTickets(client: DemoClient): Promise<void> {
  const p = new Params();
  const scenarios = new Scenarios(p);
  const k = 't.ticket_id';
  await client.query(
    `
    INSERT INTO support.tickets (ticket_id, customer_id, order_id, product_id, category, subject, status, priority,
                                 assigned_agent_id, tags, created_at, resolved_at, satisfaction_score)
    SELECT t.ticket_id, t.customer_id,
           CASE WHEN t.category IN ('account', 'general') THEN NULL ELSE t.order_id END,
           CASE WHEN t.category IN ('billing', 'account') THEN NULL ELSE t.product_id END,
           t.category,
           format(${scenarios.text('subjects', k, 't.scenario')}, ${Scenarios.formatArgs('t')}),
           t.status, t.priority, ag.agent_id,
           array_remove(ARRAY[
             CASE WHEN ${rnd(520, k)} < 0.6 THEN ${scenarios.tag('t.scenario')} END,
             CASE WHEN t.priority = 'urgent' OR ${rnd(522, k)} < 0.04 THEN 'escalated' END,
             CASE WHEN ${rnd(523, k)} < 0.07 THEN 'vip' END,
             CASE WHEN ${rnd(524, k)} < 0.06 THEN 'repeat-contact' END], NULL),
           t.created_at, rs.resolved_at,
           CASE WHEN rs.resolved_at IS NOT NULL AND ${rnd(530, k)} < 0.7 THEN
             least(5, greatest(1, 5 - floor(extract(epoch FROM rs.resolved_at - t.created_at) / 86400 / 3
                                            + ${rnd(531, k)} * 1.6)))::int END
    FROM (
      SELECT n.*, sc.scenario, ${scenarios.category('sc.scenario')} AS category, NULL::text AS agent_first_name,
             (CASE
               WHEN ${NOW} - n.created_at < interval '21 days' THEN
                 CASE WHEN ${rnd(505, 'n.ticket_id')} < 0.45 THEN 'open'
                      WHEN ${rnd(505, 'n.ticket_id')} < 0.75 THEN 'pending' ELSE 'resolved' END
               ELSE CASE WHEN ${rnd(505, 'n.ticket_id')} < 0.02 THEN 'open'
                         WHEN ${rnd(505, 'n.ticket_id')} < 0.035 THEN 'pending'
                         WHEN ${rnd(505, 'n.ticket_id')} < 0.25 THEN 'resolved' ELSE 'closed' END
             END)::support.ticket_status AS status,
             (CASE WHEN ${rnd(506, 'n.ticket_id')} < 0.05 THEN 'urgent' WHEN ${rnd(506, 'n.ticket_id')} < 0.25 THEN 'high'
                   WHEN ${rnd(506, 'n.ticket_id')} < 0.8 THEN 'normal' ELSE 'low' END)::support.ticket_priority AS priority
      FROM (
        SELECT row_number() OVER (ORDER BY x.created_at, x.order_id)::int AS ticket_id, x.*
        FROM (
          SELECT o.order_id, o.customer_id, o.order_number, o.total_amount, c.first_name, c.city, i.product_id,
                 pr.name AS product_name,
                 date_trunc('second', o.ordered_at + least(make_interval(hours => ${between(510, 'o.order_id', 18, 24 * 16)}),
                                                           (${NOW} - o.ordered_at) * 0.9)) AS created_at
          FROM (
            SELECT * FROM sales.orders
            WHERE status IN ('shipped', 'delivered', 'returned') AND ${rnd(500, 'order_id')} < 0.09
            ORDER BY ${rnd(501, 'order_id')}, order_id
            LIMIT ${SIZES.tickets}
          ) AS o
          JOIN sales.customers c ON c.customer_id = o.customer_id
          JOIN sales.order_items i ON i.order_id = o.order_id AND i.line_number = 1
          JOIN inventory.products pr ON pr.product_id = i.product_id
        ) AS x
      ) AS n
      CROSS JOIN LATERAL (SELECT ${scenarios.of('n.ticket_id')} AS scenario) AS sc
    ) AS t
    LEFT JOIN LATERAL (
      SELECT a.agent_id FROM support.agents a
      WHERE NOT (t.status = 'open' AND ${rnd(507, k)} < 0.4)
        AND a.hired_on <= t.created_at
        AND a.team = CASE WHEN t.category = 'billing' THEN 'billing'
                          WHEN t.priority = 'urgent' THEN 'escalations' ELSE 'frontline' END
      ORDER BY ${rnd(508, `${k} * 64 + a.agent_id`)}
      LIMIT 1
    ) AS ag ON true
    -- Some agents are much faster than others (a factor from 0.4 to 1.8 per agent).
    CROSS JOIN LATERAL (SELECT CASE WHEN t.status IN ('resolved', 'closed') THEN
        date_trunc('second', t.created_at + least(
          make_interval(mins => 30 + floor(pow(${rnd(509, k)}, 2) * 60 * 24 * 7
                                           * (0.4 + 1.4 * ${rnd(540, 'ag.agent_id')}))::int),
          (${NOW} - t.created_at) * 0.8))
      END AS resolved_at) AS rs`,
    p.values,
  );
}

/**
 * The conversation on each ticket: the customer's first message, the agent's reply, the
 * customer's answer, then updates and follow-ups; resolved tickets end with the agent's
 * resolution and sometimes the customer's thanks. Open tickets wait on the agent, pending on the customer.
 */
export async function insertTicketMessages(client: DemoClient): Promise<void> {
  const p = new Params();
  const scenarios = new Scenarios(p);
  const key = 'm.ticket_id * 16 + m.k';
  await client.query(
    `
    INSERT INTO support.ticket_messages (message_id, ticket_id, author_type, agent_id, body, sent_at)
    SELECT row_number() OVER (ORDER BY m.ticket_id, m.k), m.ticket_id,
           CASE WHEN m.k % 2 = 0 THEN 'agent' ELSE 'customer' END,
           CASE WHEN m.k % 2 = 0 THEN m.assigned_agent_id END,
           format(CASE
               WHEN m.k = 1 THEN ${scenarios.text('openings', 'm.ticket_id', 'm.scenario')}
               WHEN m.k % 2 = 0 AND m.done AND m.k = m.last_work THEN ${scenarios.text('resolutions', 'm.ticket_id', 'm.scenario')}
               WHEN m.k = 2 THEN ${scenarios.text('replies', 'm.ticket_id', 'm.scenario')}
               WHEN m.k % 2 = 0 THEN ${pick(p.list(AGENT_UPDATES), 613, key)}
               WHEN m.k > m.last_work THEN ${pick(p.list(CUSTOMER_THANKS), 614, key)}
               WHEN m.k = 3 THEN ${scenarios.text('customerReplies', 'm.ticket_id', 'm.scenario')}
               ELSE ${pick(p.list(CUSTOMER_FOLLOW_UPS), 616, key)}
             END, ${Scenarios.formatArgs('m')}),
           CASE WHEN m.k > m.last_work THEN least(${NOW}, m.resolved_at + make_interval(hours => ${between(617, key, 1, 30)}))
                WHEN m.last_work = 1 THEN m.created_at
                ELSE date_trunc('second', m.created_at
                       + (coalesce(m.resolved_at, least(m.created_at + interval '3 days', ${NOW})) - m.created_at)
                         * ((m.k - 1)::float8 / (m.last_work - 1)))
           END
    FROM (
      SELECT t.*, k, t.status IN ('resolved', 'closed') AS done,
             CASE WHEN t.status IN ('resolved', 'closed') AND t.n % 2 = 1 THEN t.n - 1 ELSE t.n END AS last_work
      FROM (
        SELECT t.ticket_id, t.status, t.created_at, t.resolved_at, t.assigned_agent_id,
               ${scenarios.of('t.ticket_id')} AS scenario,
               c.first_name, c.city, o.order_number, o.total_amount, pr.name AS product_name,
               split_part(a.full_name, ' ', 1) AS agent_first_name,
               CASE WHEN t.assigned_agent_id IS NULL OR t.status = 'pending' THEN least(2, 1 + (t.assigned_agent_id IS NOT NULL)::int)
                    WHEN t.status = 'open' THEN ${between(601, 't.ticket_id', 1, 3)}
                    ELSE ${between(601, 't.ticket_id', 2, 7)} END AS n
        FROM support.tickets t
        JOIN sales.customers c ON c.customer_id = t.customer_id
        LEFT JOIN sales.orders o ON o.order_id = t.order_id
        LEFT JOIN inventory.products pr ON pr.product_id = t.product_id
        LEFT JOIN support.agents a ON a.agent_id = t.assigned_agent_id
      ) AS t
      CROSS JOIN LATERAL generate_series(1, t.n) AS k
    ) AS m`,
    p.values,
  );
}

/** Moves every identity sequence past the explicit ids the generator inserted, so new rows get fresh ids. */
export async function syncIdentitySequences(client: DemoClient): Promise<void> {
  const { rows } = await client.query<{ tbl: string; col: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS tbl, column_name AS col
     FROM information_schema.columns
     WHERE is_identity = 'YES' AND table_schema IN ('sales', 'inventory', 'support')
     ORDER BY 1`,
  );
  for (const { tbl, col } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), max(${escapeIdentifier(col)})) FROM ${tbl}`,
      [tbl, col],
    );
  }
}
