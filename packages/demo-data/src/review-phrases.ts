// The sentences product reviews are composed from. Each review picks one phrase per slot with a
// hash of its key, so the text varies row to row but is the same on every run. Placeholders are
// PostgreSQL format() positions, filled in SQL.

import type { AttributeKind } from './catalog.js';

// Review placeholders: %1$s the product noun ("cast iron skillet"), %2$s a small number (2..9).

export const REVIEW_TITLES = {
  positive: [
    'Exactly what I needed',
    'Worth every penny',
    'Great quality, fast delivery',
    'Better than expected',
    'My new favourite %1$s',
    'Solid and well made',
    'Five stars, would buy again',
    'Does the job perfectly',
    'Love it',
    'Excellent value',
    'Impressed after %2$s weeks of use',
    'Bought a second one',
  ],
  mixed: [
    'Good, not great',
    'Decent for the price',
    'Some flaws but usable',
    'Nice design, so-so durability',
    'Okay %1$s',
    'Mixed feelings',
    'Does what it says, barely',
    'Almost there',
  ],
  negative: [
    'Disappointed',
    'Broke after %2$s weeks',
    'Not as described',
    'Would not recommend',
    'Poor quality control',
    'Returned it',
    'Looks nice, works badly',
    'Waste of money',
  ],
} as const;

export const REVIEW_OPENINGS = {
  positive: [
    'Really happy with my new %1$s.',
    'Exactly what I was looking for.',
    'Bought the %1$s as a gift and ended up getting the same for myself.',
    'Not my first purchase from this brand, and the best so far.',
    'I did a lot of research before buying and I am glad I chose this one.',
    'My old %1$s finally gave up, and the upgrade is night and day.',
    'I have been using it daily for %2$s weeks now.',
    'After reading the reviews I took a chance, and it paid off.',
  ],
  mixed: [
    'Decent %1$s for the price, but not perfect.',
    'It does the job, with a few caveats.',
    'I wanted to love my new %1$s and mostly do.',
    'Three stars feels fair after %2$s weeks of use.',
    'Some things about it are great, others not so much.',
  ],
  negative: [
    'Disappointed with my %1$s.',
    'I really wanted to love my new %1$s. Sadly, no.',
    'Not worth the money, unfortunately.',
    'I rarely write reviews, but people should know about this.',
    'Second one I have had with the same problem.',
    'Looked great in the photos, less so in person.',
  ],
} as const;

export const REVIEW_PRAISE: readonly string[] = [
  'The build quality feels solid and nothing rattles.',
  'It arrived two days early and was very well packed.',
  'The colour is exactly like the photos.',
  'It feels much more expensive than it was.',
  'Easy to clean, which matters a lot to me.',
  'Lightweight without feeling flimsy.',
  'The instructions were clear and short.',
  'Still looks brand new after %2$s weeks of daily use.',
  'The materials are noticeably better than my old one.',
  'My partner has already stolen it twice.',
  'Customer service answered my question within an hour.',
  'Great attention to detail on the finish.',
];

export const REVIEW_COMPLAINTS: readonly string[] = [
  'It started to wear out after only %2$s weeks.',
  'The instructions were confusing and skipped a step.',
  'Delivery took almost two weeks and the box was dented.',
  'The colour is noticeably different from the photos.',
  'One of the parts was missing when it arrived.',
  'The finish scratches far too easily.',
  'It feels cheaper than the price suggests.',
  'There was a strong chemical smell for the first few days.',
  'Support took a week to reply to my email.',
  'It stopped working properly after a couple of uses.',
];

export const REVIEW_CLOSINGS = {
  positive: [
    'Would definitely buy again.',
    'Highly recommend.',
    'Already recommended it to friends.',
    'No regrets at all.',
    'Great purchase overall.',
    '',
  ],
  mixed: [
    'Fine if you can get it on sale.',
    'Might look elsewhere next time.',
    'Keeping it, but with reservations.',
    '',
  ],
  negative: [
    'I am returning it.',
    'Would not buy again.',
    'Customer support was helpful, at least.',
    'Save your money.',
    'Hoping the replacement is better.',
  ],
} as const;

/** Praise that only fits some kinds of product; a review mixes one of these with a generic one. */
export const REVIEW_PRAISE_BY_KIND: Readonly<Record<AttributeKind, readonly string[]>> = {
  outdoor: [
    'Kept me dry through a full day of rain.',
    'Packs down small enough to fit in my daypack.',
    'Survived a week-long trip without a scratch.',
  ],
  kitchen: [
    'Cleans up in seconds.',
    'It has become part of my morning routine.',
    'Feels sturdy and well balanced.',
  ],
  home: [
    'Looks even better in person than in the photos.',
    'Fits perfectly in my small apartment.',
    'Makes the room feel much cosier.',
  ],
  electronics: [
    'Setup took less than five minutes.',
    'The battery easily lasts the whole day.',
    'Pairs instantly with my phone.',
  ],
  apparel: [
    'True to size and very comfortable.',
    'Comfortable from the very first day.',
    'Still looks new after many washes.',
  ],
};

/** Complaints that only fit some kinds of product. */
export const REVIEW_COMPLAINTS_BY_KIND: Readonly<Record<AttributeKind, readonly string[]>> = {
  outdoor: [
    'It let water in during the first proper rain.',
    'Heavier to carry than the listing suggests.',
    'One of the buckles snapped on the first trip.',
  ],
  kitchen: [
    'It is harder to clean than it looks.',
    'The handle gets far too hot.',
    'Rust spots appeared after a couple of washes.',
  ],
  home: [
    'It pilled after the first wash.',
    'The colour is much darker than in the photos.',
    'Smaller than I expected from the dimensions.',
  ],
  electronics: [
    'The battery barely lasts half a day.',
    'The Bluetooth connection keeps dropping.',
    'The app is clunky and insists on an account.',
  ],
  apparel: [
    'It runs small, so order a size up.',
    'The zipper caught on the first day.',
    'The fabric pills after a few washes.',
  ],
};
