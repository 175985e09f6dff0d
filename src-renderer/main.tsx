import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEngine } from './engine-client';
import { useAppStore } from './store';
import './styles.css';

const { api } = startEngine();
// The engine handle in the developer console, and for the web edition's end-to-end tests.
(globalThis as { corgi?: typeof api }).corgi = api;
// Accounts without a live stream are polled less often while the window is hidden.
const foreground = () => void api.mastodon.setForeground(document.visibilityState === 'visible');
document.addEventListener('visibilitychange', foreground);
foreground();
void useAppStore
  .getState()
  .connect(api)
  .then(async () => {
    // Back from the server's authorize page: finish signing in, then tidy the address.
    const store = useAppStore.getState();
    if (await store.completeSignIn(window.location.href)) {
      window.history.replaceState(null, '', '/');
      return;
    }
    // The demo's address asks to sign in to its server at once, when no account is signed in yet.
    const params = new URLSearchParams(window.location.search);
    const server = params.get('server');
    if (server && params.get('signin') === 'auto' && store.accounts.length === 0) await store.signIn(server);
  });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
