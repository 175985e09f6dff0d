// The web edition: the same renderer and worker, served by any static host (and by the
// end-to-end tests). The desktop build is electron.vite.config.ts.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { preloadScreen } from './vite.preload-screen.ts';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  base: './',
  plugins: [react(), preloadScreen()],
  worker: { format: 'es' },
  // The end-to-end tests' build (CORGI_TEST_HOOKS=1) lets the page reach the engine's own commands
  // under `corgi.testing`, to seed the database; a shipped build never does.
  define: { __CORGI_TEST_HOOKS__: JSON.stringify(process.env.CORGI_TEST_HOOKS === '1') },
  optimizeDeps: { exclude: ['@journeyapps/wa-sqlite'] },
  server: { port: 5173, strictPort: false },
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
  },
});
