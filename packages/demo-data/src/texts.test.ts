import { describe, expect, it } from 'vitest';
import { CITIES, FIRST_NAMES, LAST_NAMES } from './people-and-places.js';
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
  TICKET_CATEGORIES,
  TICKET_SCENARIOS,
  type TicketScenario,
} from './ticket-scenarios.js';

/** The format() positions a text uses; throws on a % that format() would misread. */
function placeholders(text: string): number[] {
  const withoutPlaceholders = text.replace(/%(\d)\$s/g, '');
  if (withoutPlaceholders.includes('%')) throw new Error(`stray % in: ${text}`);
  return [...text.matchAll(/%(\d)\$s/g)].map((m) => Number(m[1]));
}

const reviewTexts = [
  ...Object.values(REVIEW_TITLES).flat(),
  ...Object.values(REVIEW_OPENINGS).flat(),
  ...Object.values(REVIEW_CLOSINGS).flat(),
  ...REVIEW_PRAISE,
  ...REVIEW_COMPLAINTS,
  ...Object.values(REVIEW_PRAISE_BY_KIND).flat(),
  ...Object.values(REVIEW_COMPLAINTS_BY_KIND).flat(),
];

function scenarioTexts(s: TicketScenario): string[] {
  return [...s.subjects, ...s.openings, ...s.replies, ...s.customerReplies, ...s.resolutions];
}

describe('review phrases', () => {
  it('use only %1$s (product noun) and %2$s (a number)', () => {
    for (const text of reviewTexts) {
      expect(
        placeholders(text).every((n) => n === 1 || n === 2),
        text,
      ).toBe(true);
    }
  });

  it('are sentences: capitalised, ending in punctuation (titles aside)', () => {
    const sentences = reviewTexts.filter(
      (t) =>
        t !== '' &&
        !Object.values(REVIEW_TITLES)
          .flat()
          .includes(t as never),
    );
    for (const text of sentences) expect(text, text).toMatch(/^[A-Z%].*[.!]$/);
  });
});

describe('ticket scenarios', () => {
  it('cover every ticket category and have every list filled', () => {
    expect(new Set(TICKET_SCENARIOS.map((s) => s.category))).toEqual(new Set(TICKET_CATEGORIES));
    for (const s of TICKET_SCENARIOS) {
      for (const list of [s.subjects, s.openings, s.replies, s.customerReplies, s.resolutions]) {
        expect(list.length, s.tag).toBeGreaterThan(0);
      }
      expect(Number.isInteger(s.weight) && s.weight > 0).toBe(true);
    }
  });

  it('use only placeholders whose values exist for their category', () => {
    // Account and general tickets have no order (%1$s number, %7$s total); billing and account
    // tickets have no product (%2$s): an unfilled placeholder would print as nothing.
    const unavailable: Record<string, number[]> = { account: [1, 2, 7], general: [1, 7], billing: [2] };
    for (const s of TICKET_SCENARIOS) {
      for (const text of scenarioTexts(s)) {
        const used = placeholders(text);
        expect(
          used.every((n) => n >= 1 && n <= 7),
          text,
        ).toBe(true);
        expect(
          used.filter((n) => unavailable[s.category]?.includes(n)),
          `${s.category}: ${text}`,
        ).toEqual([]);
        // The agent's name is only known once a ticket is assigned, i.e. from the first reply on.
        if (s.subjects.includes(text) || s.openings.includes(text)) expect(used, text).not.toContain(4);
      }
    }
    for (const text of [...AGENT_UPDATES, ...CUSTOMER_FOLLOW_UPS, ...CUSTOMER_THANKS]) {
      expect(
        placeholders(text).filter((n) => [1, 2, 7].includes(n)),
        text,
      ).toEqual([]);
    }
  });
});

describe('word lists', () => {
  it('hold no characters that would break SQL literals or emails', () => {
    for (const text of [
      ...reviewTexts,
      ...TICKET_SCENARIOS.flatMap(scenarioTexts),
      ...FIRST_NAMES,
      ...LAST_NAMES,
    ]) {
      expect(text, text).not.toMatch(/[\\\n\t]/);
    }
    expect(new Set(FIRST_NAMES).size).toBe(FIRST_NAMES.length);
    expect(new Set(LAST_NAMES).size).toBe(LAST_NAMES.length);
    expect(CITIES.every((c) => /^[A-Z]{2}$/.test(c.countryCode) && c.weight > 0)).toBe(true);
  });
});
