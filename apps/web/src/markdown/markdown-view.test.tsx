import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MarkdownView } from './markdown-view.js';

describe('MarkdownView', () => {
  it('renders GFM: emphasis, lists, tables and SQL code with highlighting', () => {
    const { container } = render(
      <MarkdownView
        text={[
          '### Top products',
          '',
          'Sales were **up** and `orders` grew.',
          '',
          '1. one',
          '2. two',
          '',
          '| product | revenue |',
          '|---|--:|',
          '| Tent | 1,200.50 |',
          '',
          '```sql',
          'SELECT name FROM products WHERE price > 10 -- cheap ones out',
          '```',
        ].join('\n')}
      />,
    );
    expect(container.querySelector('h5')?.textContent).toBe('Top products');
    expect(container.querySelector('strong')?.textContent).toBe('up');
    expect(container.querySelectorAll('ol li')).toHaveLength(2);
    expect(container.querySelector('td.align-right')?.textContent).toBe('1,200.50');
    expect(container.querySelector('.tok-keyword')?.textContent).toBe('SELECT');
    expect(container.querySelector('.tok-comment')?.textContent).toBe('-- cheap ones out');
  });

  it('never renders HTML or unsafe links from model output', () => {
    const { container } = render(
      <MarkdownView
        text={
          '<img src=x onerror="alert(1)"> [click](javascript:alert(1)) [docs](https://example.com) ![pic](https://tracker.example/p.png)'
        }
      />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://example.com', 'https://tracker.example/p.png']);
    expect(container.querySelector('a')?.getAttribute('rel')).toBe('noreferrer noopener');
  });
});
