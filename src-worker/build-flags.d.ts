/**
 * Set by the build (vite.web.config.ts, electron.vite.config.ts): whether the worker exposes the
 * engine's own commands to the page under `testing`. Only the end-to-end tests' build sets it.
 */
declare const __CORGI_TEST_HOOKS__: boolean;
