import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n.js';
import { App } from './app.js';
import './styles.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html must contain <div id="root">');

createRoot(rootElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
