import { words } from './people-and-places.js';

/** What kind of attributes a product of a leaf category carries in its jsonb column. */
export type AttributeKind = 'outdoor' | 'kitchen' | 'home' | 'electronics' | 'apparel';

/** A leaf category: products are made from its nouns, priced within its range. */
export interface LeafCategory {
  readonly name: string;
  readonly slug: string;
  readonly nouns: readonly string[];
  readonly minPrice: number;
  readonly maxPrice: number;
}

/** A top-level category with its leaves. */
export interface TopCategory {
  readonly name: string;
  readonly slug: string;
  readonly kind: AttributeKind;
  readonly children: readonly LeafCategory[];
}

export const CATEGORIES: readonly TopCategory[] = [
  {
    name: 'Outdoor',
    slug: 'outdoor',
    kind: 'outdoor',
    children: [
      {
        name: 'Camping',
        slug: 'camping',
        nouns: ['2-Person Tent', 'Sleeping Bag', 'Camp Stove', 'Headlamp', 'Camping Lantern', 'Sleeping Pad'],
        minPrice: 19,
        maxPrice: 420,
      },
      {
        name: 'Hiking',
        slug: 'hiking',
        nouns: ['Daypack', 'Trekking Poles', 'Insulated Water Bottle', 'Hiking Boots', 'Trail Map Case'],
        minPrice: 15,
        maxPrice: 240,
      },
      {
        name: 'Cycling',
        slug: 'cycling',
        nouns: ['Bike Helmet', 'Bike Light Set', 'Cycling Gloves', 'Saddle Bag', 'Mini Pump'],
        minPrice: 12,
        maxPrice: 180,
      },
      {
        name: 'Climbing',
        slug: 'climbing',
        nouns: ['Chalk Bag', 'Climbing Harness', 'Belay Device', 'Climbing Shoes', 'Crash Pad'],
        minPrice: 18,
        maxPrice: 320,
      },
    ],
  },
  {
    name: 'Kitchen',
    slug: 'kitchen',
    kind: 'kitchen',
    children: [
      {
        name: 'Cookware',
        slug: 'cookware',
        nouns: ['Cast Iron Skillet', 'Saucepan', 'Dutch Oven', 'Carbon Steel Wok', 'Stockpot'],
        minPrice: 29,
        maxPrice: 260,
      },
      {
        name: 'Knives',
        slug: 'knives',
        nouns: ["Chef's Knife", 'Paring Knife', 'Bread Knife', 'Knife Block', 'Sharpening Stone'],
        minPrice: 19,
        maxPrice: 210,
      },
      {
        name: 'Coffee & Tea',
        slug: 'coffee-tea',
        nouns: ['Pour-Over Kettle', 'French Press', 'Burr Grinder', 'Espresso Cups', 'Tea Infuser'],
        minPrice: 12,
        maxPrice: 230,
      },
      {
        name: 'Bakeware',
        slug: 'bakeware',
        nouns: ['Loaf Pan', 'Baking Sheet', 'Muffin Tin', 'Cooling Rack', 'Springform Pan'],
        minPrice: 9,
        maxPrice: 60,
      },
    ],
  },
  {
    name: 'Home',
    slug: 'home',
    kind: 'home',
    children: [
      {
        name: 'Bedding',
        slug: 'bedding',
        nouns: ['Duvet Cover', 'Down Pillow', 'Weighted Blanket', 'Linen Sheet Set', 'Quilt'],
        minPrice: 25,
        maxPrice: 280,
      },
      {
        name: 'Lighting',
        slug: 'lighting',
        nouns: ['Desk Lamp', 'Floor Lamp', 'String Lights', 'Reading Light', 'Pendant Shade'],
        minPrice: 14,
        maxPrice: 240,
      },
      {
        name: 'Storage',
        slug: 'storage',
        nouns: ['Storage Basket', 'Wall Shelf', 'Drawer Organizer', 'Shoe Rack', 'Garment Bag'],
        minPrice: 10,
        maxPrice: 150,
      },
      {
        name: 'Decor',
        slug: 'decor',
        nouns: ['Throw Pillow', 'Wall Clock', 'Ceramic Vase', 'Picture Frame', 'Scented Candle'],
        minPrice: 9,
        maxPrice: 120,
      },
    ],
  },
  {
    name: 'Electronics',
    slug: 'electronics',
    kind: 'electronics',
    children: [
      {
        name: 'Audio',
        slug: 'audio',
        nouns: ['Wireless Earbuds', 'Bluetooth Speaker', 'Over-Ear Headphones', 'Turntable', 'Soundbar'],
        minPrice: 29,
        maxPrice: 450,
      },
      {
        name: 'Smart Home',
        slug: 'smart-home',
        nouns: ['Smart Plug', 'Video Doorbell', 'Smart Thermostat', 'Smart Bulb', 'Indoor Camera'],
        minPrice: 15,
        maxPrice: 260,
      },
      {
        name: 'Computer Accessories',
        slug: 'computer-accessories',
        nouns: ['Mechanical Keyboard', 'Wireless Mouse', 'USB-C Hub', 'Monitor Stand', 'HD Webcam'],
        minPrice: 19,
        maxPrice: 220,
      },
      {
        name: 'Power',
        slug: 'power',
        nouns: ['Power Bank', 'Wall Charger', 'Braided Charging Cable', 'Solar Charger', 'Travel Adapter'],
        minPrice: 9,
        maxPrice: 140,
      },
    ],
  },
  {
    name: 'Apparel',
    slug: 'apparel',
    kind: 'apparel',
    children: [
      {
        name: 'Outerwear',
        slug: 'outerwear',
        nouns: ['Rain Jacket', 'Down Jacket', 'Fleece Pullover', 'Softshell Vest', 'Windbreaker'],
        minPrice: 45,
        maxPrice: 380,
      },
      {
        name: 'Footwear',
        slug: 'footwear',
        nouns: ['Trail Running Shoes', 'Canvas Sneakers', 'Sport Sandals', 'Wool Socks', 'Winter Boots'],
        minPrice: 14,
        maxPrice: 220,
      },
      {
        name: 'Basics',
        slug: 'basics',
        nouns: ['Organic T-Shirt', 'Hoodie', 'Leggings', 'Merino Base Layer', 'Chino Shorts'],
        minPrice: 18,
        maxPrice: 120,
      },
      {
        name: 'Accessories',
        slug: 'accessories',
        nouns: ['Beanie', 'Polarized Sunglasses', 'Leather Belt', 'Roll-Top Backpack', 'Bucket Hat'],
        minPrice: 15,
        maxPrice: 160,
      },
    ],
  },
];

export const BRANDS: readonly string[] = [
  'Northwind',
  'Alder & Finch',
  'Cobalt Peak',
  'Hearth & Co.',
  'Lumen',
  'Fjordline',
  'Brightside',
  'Kestrel',
  'Oakhaven',
  'Tidewater',
  'Ridgeback',
  'Copperleaf',
  'Nimbus',
  'Ember & Oak',
  'Polaris',
];

/** Model lines between brand and noun: "Cobalt Peak Summit Headlamp". */
export const SERIES: readonly string[] = words(`
  Summit Classic Pro Everyday Trail Compact Ultralight Essential Heritage Nova Urban Alpine Studio
  Voyager Origin Basecamp Coastline Meridian
`);

export const COLORS: readonly string[] = words(`
  black charcoal graphite white ivory sand olive forest-green navy slate-blue terracotta rust
  mustard burgundy sage
`);

export const MATERIALS: Readonly<Record<AttributeKind, readonly string[]>> = {
  outdoor: ['ripstop nylon', 'recycled polyester', 'aluminium', 'stainless steel', 'Cordura'],
  kitchen: [
    'cast iron',
    'carbon steel',
    'stainless steel',
    'enamelled steel',
    'borosilicate glass',
    'walnut',
  ],
  home: ['linen', 'organic cotton', 'wool', 'oak', 'rattan', 'stoneware'],
  electronics: ['aluminium', 'recycled plastic', 'polycarbonate', 'fabric'],
  apparel: ['merino wool', 'organic cotton', 'recycled nylon', 'Gore-Tex', 'leather', 'hemp'],
};

/** Tags stored in inventory.products.tags (a text[]). */
export const PRODUCT_TAGS: Readonly<Record<AttributeKind, readonly string[]>> = {
  outdoor: ['waterproof', 'ultralight', 'eco-friendly', 'gift-idea', 'staff-pick', 'limited-edition'],
  kitchen: ['dishwasher-safe', 'induction-ready', 'handmade', 'gift-idea', 'eco-friendly'],
  home: ['handmade', 'eco-friendly', 'gift-idea', 'fair-trade', 'limited-edition'],
  electronics: ['wireless', 'usb-c', 'energy-star', 'gift-idea', 'refurbished'],
  apparel: ['vegan', 'recycled-materials', 'waterproof', 'fair-trade', 'gift-idea', 'limited-edition'],
};

/** A supplier of products. */
export interface Supplier {
  readonly name: string;
  readonly country: string;
  readonly email: string;
  readonly leadTimeDays: number;
}

export const SUPPLIERS: readonly Supplier[] = [
  {
    name: 'Baltic Outdoor Manufacturing',
    country: 'Lithuania',
    email: 'orders@baltic-outdoor.example',
    leadTimeDays: 21,
  },
  {
    name: 'Sierra Gear Works',
    country: 'United States',
    email: 'sales@sierragear.example',
    leadTimeDays: 10,
  },
  {
    name: 'Kanto Kitchen Industries',
    country: 'Japan',
    email: 'export@kanto-kitchen.example',
    leadTimeDays: 35,
  },
  { name: 'Porto Ceramics', country: 'Portugal', email: 'hello@portoceramics.example', leadTimeDays: 28 },
  {
    name: 'Shenzhen Brightway Electronics',
    country: 'China',
    email: 'b2b@brightway.example',
    leadTimeDays: 30,
  },
  { name: 'Taipei Circuit Co.', country: 'Taiwan', email: 'orders@taipeicircuit.example', leadTimeDays: 25 },
  {
    name: 'Nordic Textile Mill',
    country: 'Sweden',
    email: 'wholesale@nordictextile.example',
    leadTimeDays: 18,
  },
  { name: 'Anatolia Cotton', country: 'Turkey', email: 'sales@anatoliacotton.example', leadTimeDays: 24 },
  {
    name: 'Hanoi Apparel Partners',
    country: 'Vietnam',
    email: 'contact@hanoiapparel.example',
    leadTimeDays: 40,
  },
  {
    name: 'Black Forest Woodcraft',
    country: 'Germany',
    email: 'info@bf-woodcraft.example',
    leadTimeDays: 14,
  },
  {
    name: 'Guadalajara Leather Goods',
    country: 'Mexico',
    email: 'ventas@gdl-leather.example',
    leadTimeDays: 16,
  },
  { name: 'Pune Metalworks', country: 'India', email: 'orders@punemetal.example', leadTimeDays: 32 },
];

/** A warehouse that holds stock. */
export interface Warehouse {
  readonly code: string;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly openedOn: string;
}

export const WAREHOUSES: readonly Warehouse[] = [
  {
    code: 'NJ1',
    name: 'Newark Fulfilment Center',
    city: 'Newark',
    country: 'United States',
    openedOn: '2019-03-01',
  },
  {
    code: 'NV1',
    name: 'Reno Fulfilment Center',
    city: 'Reno',
    country: 'United States',
    openedOn: '2020-06-15',
  },
  { code: 'ON1', name: 'Mississauga Depot', city: 'Mississauga', country: 'Canada', openedOn: '2021-04-12' },
  { code: 'NL1', name: 'Venlo EU Hub', city: 'Venlo', country: 'Netherlands', openedOn: '2021-09-01' },
  { code: 'AU1', name: 'Sydney Warehouse', city: 'Sydney', country: 'Australia', openedOn: '2023-02-20' },
];

/** A support agent; `team` decides which tickets they pick up. */
export interface Agent {
  readonly name: string;
  readonly team: 'frontline' | 'billing' | 'escalations';
  readonly hiredOn: string;
}

export const AGENTS: readonly Agent[] = [
  { name: 'Maya Okonkwo', team: 'frontline', hiredOn: '2019-05-06' },
  { name: 'Jonah Feldman', team: 'frontline', hiredOn: '2020-01-13' },
  { name: 'Lucía Herrera', team: 'frontline', hiredOn: '2020-08-03' },
  { name: 'Tom Achterberg', team: 'frontline', hiredOn: '2021-02-15' },
  { name: 'Priya Raman', team: 'frontline', hiredOn: '2021-03-01' },
  { name: 'Sam Whitfield', team: 'frontline', hiredOn: '2021-06-21' },
  { name: 'Aiko Matsuda', team: 'frontline', hiredOn: '2021-11-08' },
  { name: 'Bilal Qureshi', team: 'frontline', hiredOn: '2022-04-04' },
  { name: 'Hanna Lindqvist', team: 'frontline', hiredOn: '2022-09-12' },
  { name: 'Diego Marín', team: 'frontline', hiredOn: '2023-01-09' },
  { name: 'Grace Mwangi', team: 'frontline', hiredOn: '2023-05-22' },
  { name: 'Ollie Brennan', team: 'frontline', hiredOn: '2024-02-05' },
  { name: 'Rachel Stein', team: 'billing', hiredOn: '2019-09-16' },
  { name: 'Kofi Asante', team: 'billing', hiredOn: '2021-07-12' },
  { name: 'Ines Carvalho', team: 'billing', hiredOn: '2022-11-28' },
  { name: 'Marcus Lindgren', team: 'escalations', hiredOn: '2018-11-05' },
  { name: 'Nadia Benali', team: 'escalations', hiredOn: '2020-03-30' },
  { name: 'Ethan Park', team: 'escalations', hiredOn: '2022-06-13' },
];

/** A product row built by {@link buildProducts}. */
export interface ProductRow {
  readonly productId: number;
  readonly sku: string;
  readonly name: string;
  /** The noun reviews talk about, in lower case except acronyms ("cast iron skillet", "HD webcam"). */
  readonly noun: string;
  /** Which attribute and review vocabulary fits it. */
  readonly kind: AttributeKind;
  readonly categoryId: number;
  readonly supplierId: number;
  readonly price: string;
  readonly cost: string;
  readonly attributes: Record<string, unknown>;
  readonly tags: string[];
  readonly launchedOn: string;
  readonly active: boolean;
}

/** A category row: top-level categories first (ids 1..5), then their leaves. */
export interface CategoryRow {
  readonly categoryId: number;
  readonly parentId: number | null;
  readonly name: string;
  readonly slug: string;
}

/** Flattens {@link CATEGORIES} into rows with stable ids. */
export function buildCategories(): CategoryRow[] {
  const rows: CategoryRow[] = CATEGORIES.map((top, i) => ({
    categoryId: i + 1,
    parentId: null,
    name: top.name,
    slug: top.slug,
  }));
  CATEGORIES.forEach((top, i) => {
    for (const leaf of top.children) {
      rows.push({ categoryId: rows.length + 1, parentId: i + 1, name: leaf.name, slug: leaf.slug });
    }
  });
  return rows;
}

/** mulberry32: a tiny seeded PRNG, so the product catalogue is the same on every run. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickFrom<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pickFrom: empty list');
  return item;
}

/** Suppliers that plausibly make products of each kind (1-based ids into SUPPLIERS). */
const SUPPLIERS_BY_KIND: Readonly<Record<AttributeKind, readonly number[]>> = {
  outdoor: [1, 2, 12],
  kitchen: [3, 4, 10, 12],
  home: [4, 7, 8, 10],
  electronics: [5, 6],
  apparel: [7, 8, 9, 11],
};

function attributesFor(kind: AttributeKind, random: () => number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    color: pickFrom(random, COLORS),
    material: pickFrom(random, MATERIALS[kind]),
    weight_g: Math.round(50 + random() * random() * 4000),
  };
  switch (kind) {
    case 'outdoor':
      return { ...base, waterproof_rating_mm: pickFrom(random, [1500, 3000, 5000, 10000, null]) };
    case 'kitchen':
      return { ...base, dishwasher_safe: random() < 0.5, induction_ready: random() < 0.6 };
    case 'home':
      return {
        ...base,
        dimensions_cm: { w: 20 + Math.round(random() * 180), h: 10 + Math.round(random() * 120) },
      };
    case 'electronics':
      return {
        ...base,
        warranty_months: pickFrom(random, [12, 24, 36]),
        battery_hours: random() < 0.6 ? 4 + Math.round(random() * 40) : null,
        connectivity: pickFrom(random, [
          ['bluetooth'],
          ['wifi'],
          ['usb-c'],
          ['bluetooth', 'usb-c'],
          ['wifi', 'zigbee'],
        ]),
      };
    case 'apparel':
      return {
        ...base,
        sizes: pickFrom(random, [
          ['XS', 'S', 'M', 'L', 'XL'],
          ['S', 'M', 'L'],
          ['36', '38', '40', '42', '44', '46'],
          ['one-size'],
        ]),
        fit: pickFrom(random, ['regular', 'slim', 'relaxed']),
      };
  }
}

/** "HD Webcam" -> "HD webcam": lower-case words, keep acronyms. */
function inSentence(noun: string): string {
  return noun
    .split(' ')
    .map((word) => (/[a-z]/.test(word) ? word.toLowerCase() : word))
    .join(' ');
}

function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** Builds the product catalogue: `count` products spread over the leaf categories, deterministic. */
export function buildProducts(count: number): ProductRow[] {
  const random = createRandom(20210101);
  const categories = buildCategories();
  const leaves = CATEGORIES.flatMap((top) =>
    top.children.map((leaf) => ({
      top,
      leaf,
      id: categories.find((c) => c.slug === leaf.slug)?.categoryId ?? 0,
    })),
  );
  const names = new Set<string>();
  const products: ProductRow[] = [];
  for (let i = 0; products.length < count; i++) {
    const entry = leaves[i % leaves.length];
    if (!entry) break;
    const { top, leaf } = entry;
    const noun = pickFrom(random, leaf.nouns);
    const name = `${pickFrom(random, BRANDS)} ${pickFrom(random, SERIES)} ${noun}`;
    if (names.has(name)) continue;
    names.add(name);
    const productId = products.length + 1;
    // Prices cluster at the cheap end of the range and end in .99/.49/.00 like real price tags.
    const raw = leaf.minPrice + (leaf.maxPrice - leaf.minPrice) * random() ** 1.7;
    const cents = pickFrom(random, [0.99, 0.99, 0.49, 0.0]);
    const price = Math.max(leaf.minPrice, Math.floor(raw)) + cents;
    const cost = price * (0.32 + random() * 0.3);
    const tags = PRODUCT_TAGS[top.kind].filter(() => random() < 0.22);
    const launched = new Date(Date.UTC(2018, 0, 1) + Math.floor(random() * 1096) * 86_400_000);
    products.push({
      productId,
      sku: `${top.slug.slice(0, 3).toUpperCase()}-${leaf.slug.slice(0, 3).toUpperCase()}-${String(productId).padStart(4, '0')}`,
      name,
      noun: inSentence(noun),
      kind: top.kind,
      categoryId: entry.id,
      supplierId: pickFrom(random, SUPPLIERS_BY_KIND[top.kind]),
      price: price.toFixed(2),
      cost: cost.toFixed(2),
      attributes: withoutNulls(attributesFor(top.kind, random)),
      tags,
      launchedOn: launched.toISOString().slice(0, 10),
      active: random() >= 0.04,
    });
  }
  return products;
}
