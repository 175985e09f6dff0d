import type { EngineErrorKind, EngineErrorShape } from '../src-shared/worker-api';

/** An error the engine means to show: its kind tells the UI what it can do about it. */
export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
    // The name carries the kind across the worker boundary: comlink keeps an error's name and message.
    this.name = kind;
  }
}

export function toErrorShape(error: unknown): EngineErrorShape {
  if (error instanceof EngineError) return { kind: error.kind, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (/SQLITE_CORRUPT|SQLITE_NOTADB|malformed/i.test(message)) {
    return { kind: 'damaged_database', message };
  }
  return { kind: 'internal', message };
}
