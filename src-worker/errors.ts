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

/** SQLite's result codes for a file that is not a sound database. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

export function toErrorShape(error: unknown): EngineErrorShape {
  if (error instanceof EngineError) return { kind: error.kind, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  // By SQLite's code where there is one (not "malformed JSON" or "malformed MATCH expression",
  // which are ordinary errors); by its words where only a message crossed over.
  const code = (error as { code?: unknown } | null)?.code;
  const primary = typeof code === 'number' ? code & 0xff : null;
  if (
    primary === SQLITE_CORRUPT ||
    primary === SQLITE_NOTADB ||
    (primary === null &&
      /SQLITE_CORRUPT|SQLITE_NOTADB|database disk image is malformed|file is not a database/i.test(message))
  ) {
    return { kind: 'damaged_database', message };
  }
  return { kind: 'internal', message };
}
