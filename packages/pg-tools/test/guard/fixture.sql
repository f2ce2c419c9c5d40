-- Schema for test/guard/valid-corpus.ts: every valid-corpus query runs here without error on
-- PostgreSQL 15 and 18 (valid-corpus.integration.test.ts checks it). No real extensions:
-- "extension-style" functions are plain SQL functions named like PostGIS / pg_trgm / pgvector ones.

CREATE TABLE customers (
  id integer PRIMARY KEY,
  name text NOT NULL,
  email text,
  country text,
  created_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00',
  tags text[] NOT NULL DEFAULT '{}',
  profile jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE orders (
  id serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  total numeric(10, 2) NOT NULL,
  status text NOT NULL,
  note text,
  created_at timestamptz NOT NULL,
  items jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  lo_price numeric(10, 2),
  hi_price numeric(10, 2)
);

-- Columns named like SQL keywords.
CREATE TABLE releases (
  "commit" text PRIMARY KEY,
  "select" integer,
  "order" integer
);

CREATE TABLE places (
  id integer PRIMARY KEY,
  name text NOT NULL,
  location point NOT NULL
);

CREATE TABLE items (
  id integer PRIMARY KEY,
  embedding float8[] NOT NULL
);

CREATE VIEW order_totals AS
  SELECT customer_id, count(*) AS orders, sum(total) AS total
  FROM orders
  GROUP BY customer_id;

-- PostGIS-style names.
CREATE FUNCTION st_makepoint(x float8, y float8) RETURNS point
  LANGUAGE sql IMMUTABLE AS $$ SELECT point(x, y) $$;
CREATE FUNCTION st_distance(a point, b point) RETURNS float8
  LANGUAGE sql IMMUTABLE AS $$ SELECT a <-> b $$;

-- pg_trgm-style similarity().
CREATE FUNCTION similarity(a text, b text) RETURNS real
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN lower(a) = lower(b) THEN 1 ELSE 0 END::real $$;

-- pgvector-style distance operators on float8[].
CREATE FUNCTION l2_distance(a float8[], b float8[]) RETURNS float8
  LANGUAGE sql IMMUTABLE AS $$
    SELECT sqrt(sum((x - y) ^ 2)) FROM unnest(a, b) AS u(x, y)
  $$;
CREATE FUNCTION cosine_distance(a float8[], b float8[]) RETURNS float8
  LANGUAGE sql IMMUTABLE AS $$
    SELECT 1 - sum(x * y) / (sqrt(sum(x * x)) * sqrt(sum(y * y))) FROM unnest(a, b) AS u(x, y)
  $$;
CREATE OPERATOR <-> (LEFTARG = float8[], RIGHTARG = float8[], FUNCTION = l2_distance);
CREATE OPERATOR <=> (LEFTARG = float8[], RIGHTARG = float8[], FUNCTION = cosine_distance);

INSERT INTO customers (id, name, email, country, tags, profile) VALUES
  (1, 'Alice', 'alice@example.com', 'FR', '{vip,early}', '{"age": 34, "vip": true, "langs": ["fr", "en"]}'),
  (2, 'Bob', 'bob@example.org', 'DE', '{}', '{"age": 41, "vip": false}'),
  (3, 'Chloé', NULL, 'FR', '{vip}', '{"age": 29, "vip": true}');

INSERT INTO orders (customer_id, total, status, note, created_at, items) VALUES
  (1, 120.00, 'paid', 'urgent; call first', '2024-03-01 10:00+00', '[{"sku": "A1", "qty": 2}]'),
  (1, 35.50, 'open', NULL, '2024-03-05 12:00+00', '[{"sku": "B2", "qty": 1}]'),
  (2, 99.99, 'paid', 'order 42 of batch 7', '2024-03-07 09:30+00', '[]'),
  (3, 250.00, 'refunded', 'commit; insert; pg_read_file', '2024-03-09 16:45+00', '[{"sku": "A1", "qty": 5}]');

INSERT INTO products (id, name, lo_price, hi_price) VALUES
  (1, 'Widget', 1.50, 2.50),
  (2, 'Gadget', 10.00, 12.00);

INSERT INTO releases ("commit", "select", "order") VALUES
  ('a1b2c3', 1, 2),
  ('d4e5f6', 3, 1);

INSERT INTO places (id, name, location) VALUES
  (1, 'Origin', point(0, 0)),
  (2, 'North', point(0, 10)),
  (3, 'East', point(7, 1));

INSERT INTO items (id, embedding) VALUES
  (1, '{0.1, 0.2, 0.3}'),
  (2, '{0.9, 0.1, 0.0}'),
  (3, '{0.2, 0.2, 0.2}');

-- A procedure, so CALL has something to call in write-mode tests.
CREATE PROCEDURE refresh_stats() LANGUAGE sql AS $$ SELECT 1 $$;

ANALYZE;
