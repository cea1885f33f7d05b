import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { pickTransport } from './api/transport';
import { App } from './app/App';
import { StoresContext } from './app/context';
import { ErrorBoundary } from './app/ErrorBoundary';
import { parsePlace } from './app/routing';
import { applyTheme } from './app/theme';
import { createAppStores, startApp } from './app/stores';
import './styles.css';

// zod compiles fast paths with new Function; the CSP forbids eval, so never try.
z.config({ jitless: true });
applyTheme();

const root = createRoot(document.getElementById('root') as HTMLElement);
const place = parsePlace(window.location.hash);
const stores = createAppStores(pickTransport(), place);
root.render(
  <StrictMode>
    <StoresContext.Provider value={stores}>
      <ErrorBoundary what="Slipway's window">
        <App />
      </ErrorBoundary>
    </StoresContext.Provider>
  </StrictMode>,
);
// Edits are saved a moment after each keystroke; closing inside that moment asks first and saves.
window.addEventListener('beforeunload', (event) => {
  if (stores.editor.getState().saveState === 'saved') return;
  event.preventDefault();
  void stores.editor.getState().flush();
});

// A link followed inside the window (#/a/AGENT/history?version=…) goes there without a reload.
window.addEventListener('hashchange', () => void stores.navigate(parsePlace(window.location.hash)));

void startApp(stores, place).then(() => {
  // When the first screen is up, load and warm Monaco, so the first editor or diff opens at once.
  requestIdleCallback(() => void import('./features/editor/monaco-setup').then(({ warmUp }) => warmUp()), { timeout: 1000 });
});
