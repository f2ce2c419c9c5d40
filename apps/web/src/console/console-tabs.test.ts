import { describe, expect, it } from 'vitest';
import { closeTab, loadTabs, newTab, saveTabs, tabsKey } from './console-tabs.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

describe('console tabs', () => {
  it('keeps tabs per connection across a save and load', () => {
    const storage = memoryStorage();
    const first = loadTabs(storage, 'demo');
    const second = newTab(first.tabs, 'SELECT 2');
    saveTabs(storage, 'demo', { tabs: [...first.tabs, second], active: second.id });
    expect(loadTabs(storage, 'demo')).toEqual({ tabs: [...first.tabs, second], active: second.id });
    expect(loadTabs(storage, 'other').tabs).toHaveLength(1);
    expect([...storage.map.keys()]).toEqual([tabsKey('demo')]);
  });
  it('starts fresh from a broken entry', () => {
    const storage = memoryStorage();
    storage.setItem(tabsKey('demo'), '{not json');
    expect(loadTabs(storage, 'demo').tabs[0]!.name).toBe('Query 1');
  });
  it('numbers new tabs past the highest and closes to a neighbour', () => {
    const a = newTab([]);
    const b = newTab([a]);
    expect(b.name).toBe('Query 2');
    expect(closeTab({ tabs: [a, b], active: b.id }, b.id).active).toBe(a.id);
    const last = closeTab({ tabs: [a], active: a.id }, a.id);
    expect(last.tabs).toHaveLength(1);
    expect(last.tabs[0]!.id).not.toBe(a.id);
  });
});
