import { useCallback, useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';

/** localStorage key of the user's choice; absent means "follow the system". Not a secret. */
export const THEME_KEY = 'pgmcp.theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/** The theme the user chose with the toggle, if any. */
export function storedTheme(): Theme | undefined {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts a chosen theme on <html data-theme>, which the CSS variables key on; without a choice the
 * attribute is removed and the CSS follows the system's preference by itself, live.
 */
export function applyTheme(choice: Theme | undefined): void {
  const root = document.documentElement;
  if (choice) {
    root.dataset.theme = choice;
    root.style.colorScheme = choice;
  } else {
    delete root.dataset.theme;
    root.style.removeProperty('color-scheme');
  }
}

/** The theme shown and a toggle that remembers the choice; follows the system until toggled. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const [choice, setChoice] = useState<Theme | undefined>(storedTheme);
  const [system, setSystem] = useState<Theme>(systemTheme);
  useEffect(() => applyTheme(choice), [choice]);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia(DARK_QUERY);
    const follow = () => setSystem(query.matches ? 'dark' : 'light');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  const theme = choice ?? system;
  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    setChoice(next);
  }, [theme]);
  return { theme, toggle };
}
