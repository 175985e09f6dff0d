/**
 * The page's entry (src-renderer/main.tsx) starts the data worker and then imports the screen's
 * code (start.tsx) dynamically, so that the worker starts before the screen's code is evaluated.
 * Left at that, the browser would ask for the screen's code only once the entry has run; this
 * names it in the page (`<link rel="modulepreload">`), so that it is fetched and compiled beside
 * the entry from the moment the page is parsed.
 */
import type { Plugin } from 'vite';

export function preloadScreen(): Plugin {
  return {
    name: 'corgi-preload-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const screen = Object.values(context.bundle ?? {}).find(
          (chunk) =>
            chunk.type === 'chunk' &&
            chunk.isDynamicEntry &&
            /[\\/]start\.tsx$/.test(chunk.facadeModuleId ?? ''),
        );
        if (!screen)
          throw new Error('the screen’s chunk (src-renderer/start.tsx) was not found in the build');
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${screen.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}
