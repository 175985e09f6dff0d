import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEngine } from './engine-client';
import { useAppStore } from './store';
import './styles.css';

const { api } = startEngine();
// The engine handle in the developer console, and for the web edition's end-to-end tests.
(globalThis as { corgi?: typeof api }).corgi = api;
void useAppStore.getState().connect(api);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
