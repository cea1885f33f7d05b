import { useEffect, useState } from 'react';

const QUERY = '(prefers-color-scheme: dark)';
const STORAGE_KEY = 'slipway.theme';
const CHANGED = 'slipway:theme';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** The theme chosen in Settings (kept in this window's storage), or the OS's. */
export function themeChoice(): ThemeChoice {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Applies a choice: the stylesheet follows data-theme; editors follow the change event. */
export function applyTheme(choice: ThemeChoice = themeChoice()): void {
  if (choice === 'system') {
    window.localStorage.removeItem(STORAGE_KEY);
    delete document.documentElement.dataset.theme;
  } else {
    window.localStorage.setItem(STORAGE_KEY, choice);
    document.documentElement.dataset.theme = choice;
  }
  window.dispatchEvent(new Event(CHANGED));
}

function isDark(): boolean {
  const choice = themeChoice();
  return choice === 'system' ? window.matchMedia(QUERY).matches : choice === 'dark';
}

/** Whether the app is dark now: the Settings choice, else the OS theme as it changes. */
export function usePrefersDark(): boolean {
  const [dark, setDark] = useState(isDark);
  useEffect(() => {
    const media = window.matchMedia(QUERY);
    const update = () => setDark(isDark());
    media.addEventListener('change', update);
    window.addEventListener(CHANGED, update);
    return () => {
      media.removeEventListener('change', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return dark;
}
