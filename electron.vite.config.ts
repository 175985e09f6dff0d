import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { preloadScreen } from './vite.preload-screen.ts';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react(), preloadScreen()],
    worker: { format: 'es' },
    // The engine's own commands stay inside the worker (see vite.web.config.ts).
    define: { __CORGI_TEST_HOOKS__: 'false' },
    optimizeDeps: { exclude: ['@journeyapps/wa-sqlite'] },
    build: {
      outDir: 'out/renderer',
      target: 'es2023',
      // Minified as the web edition is: less for V8 to parse and compile at each cold start.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
