import { EngineError } from './errors';

/**
 * A surface that can be exposed before it exists: each call waits for `ready`, then finds its
 * command by path, so the renderer can start asking before the database is open, and sees a clear
 * error if it cannot open or asks for a command the surface does not have.
 */
export function deferredSurface<T extends object>(ready: Promise<object>, path: string[] = []): T {
  return new Proxy(function () {} as unknown as T, {
    get(target, key) {
      // comlink calls commands with Function.prototype.apply: leave those to the function itself.
      if (typeof key !== 'string' || key in Function.prototype) return Reflect.get(target, key);
      if (key === 'then') return undefined;
      return deferredSurface(ready, [...path, key]);
    },
    async apply(_target, _this, args: unknown[]) {
      let target: unknown = await ready;
      // Own properties only: nothing inherited (`constructor`, `__proto__`) is a command.
      for (const key of path)
        target =
          typeof target === 'object' && target !== null && Object.hasOwn(target, key)
            ? target[key as keyof typeof target]
            : undefined;
      if (typeof target !== 'function')
        throw new EngineError('not_found', `No such command: ${path.join('.')}`);
      return (target as (...a: unknown[]) => unknown)(...args);
    },
  });
}
