import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { i18nReady } from './i18n.js';
import './styles.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html must contain <div id="root">');

// A Spanish reader's first page waits for the Spanish messages (a chunk of their own), so it is never
// drawn in English first; an English reader's is drawn at once.
void i18nReady.then(() =>
  createRoot(rootElement).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
