import { describe, expect, it } from 'vitest';
import { CATEGORIES, buildCategories, buildProducts, createRandom } from './catalog.js';

describe('buildProducts', () => {
  const products = buildProducts(500);

  it('is deterministic', () => {
    expect(buildProducts(500)).toEqual(products);
  });

  it('numbers products 1..n with unique names and SKUs', () => {
    expect(products.map((p) => p.productId)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(products.map((p) => p.name)).size).toBe(500);
    expect(new Set(products.map((p) => p.sku)).size).toBe(500);
    expect(products.every((p) => /^[A-Z]{3}-[A-Z]{3}-\d{4}$/.test(p.sku))).toBe(true);
  });

  it('prices each product within its category range, above its cost', () => {
    const leaves = new Map(
      buildCategories()
        .filter((c) => c.parentId !== null)
        .map((c) => [c.categoryId, CATEGORIES.flatMap((t) => t.children).find((l) => l.slug === c.slug)]),
    );
    for (const p of products) {
      const leaf = leaves.get(p.categoryId);
      expect(leaf, p.name).toBeDefined();
      expect(Number(p.price)).toBeGreaterThanOrEqual(leaf?.minPrice ?? Infinity);
      expect(Number(p.price)).toBeLessThan((leaf?.maxPrice ?? 0) + 1);
      expect(Number(p.cost)).toBeLessThan(Number(p.price));
      expect(p.name.toLowerCase()).toContain(p.noun.toLowerCase());
    }
    expect(new Set(products.map((p) => p.categoryId)).size).toBe(20);
  });

  it('gives every product the common attributes and kind-specific ones', () => {
    for (const p of products) {
      expect(Object.keys(p.attributes)).toEqual(expect.arrayContaining(['color', 'material', 'weight_g']));
      expect(Object.values(p.attributes)).not.toContain(null);
    }
    const apparel = products.filter((p) => p.kind === 'apparel');
    expect(apparel.length).toBeGreaterThan(50);
    expect(apparel.every((p) => Array.isArray(p.attributes.sizes))).toBe(true);
  });

  it('keeps acronyms in the lower-cased noun reviews use', () => {
    expect(products.find((p) => p.name.endsWith('HD Webcam'))?.noun).toBe('HD webcam');
    expect(products.find((p) => p.name.endsWith("Chef's Knife"))?.noun).toBe("chef's knife");
  });
});

describe('buildCategories', () => {
  it('puts the five departments first and every leaf under one of them', () => {
    const categories = buildCategories();
    expect(categories).toHaveLength(25);
    expect(categories.slice(0, 5).map((c) => c.parentId)).toEqual([null, null, null, null, null]);
    expect(categories.slice(5).every((c) => c.parentId !== null && c.parentId <= 5)).toBe(true);
  });
});

describe('createRandom', () => {
  it('yields the same sequence for the same seed, in [0, 1)', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });
});
