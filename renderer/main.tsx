import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createRendererClient } from './api/client';
import { App } from './App';
import { createAgentsStore } from './features/agents/store';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
try {
  const store = createAgentsStore(createRendererClient());
  root.render(
    <StrictMode>
      <App store={store} />
    </StrictMode>,
  );
} catch (error) {
  root.render(<p className="error">{error instanceof Error ? error.message : String(error)}</p>);
}
