import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VirtualList } from './virtual-list.js';

describe('VirtualList', () => {
  it('keeps only a window of a long list in the DOM', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, text: `message ${i}` }));
    const { container } = render(
      <VirtualList
        items={items}
        getKey={(item) => item.id}
        estimateHeight={() => 60}
        renderItem={(item) => <p>{item.text}</p>}
        footer={<p>streaming</p>}
      />,
    );
    const rendered = container.querySelectorAll('.vlist-item');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(60);
    // The spacer below stands in for the rest, so the scrollbar still spans all 1000.
    const spacers = [...container.querySelectorAll<HTMLElement>('.vlist-spacer')];
    const spacerTotal = spacers.reduce((sum, s) => sum + Number.parseFloat(s.style.height || '0'), 0);
    expect(spacerTotal + rendered.length * 60).toBe(60_000);
    expect(container.textContent).toContain('streaming');
  });
});
