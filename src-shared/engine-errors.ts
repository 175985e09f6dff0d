import type { EngineErrorKind, EngineErrorShape } from './worker-api';

const KINDS: readonly EngineErrorKind[] = [
  'invalid_input',
  'not_found',
  'damaged_database',
  'storage_unavailable',
  'internal',
];

/** Reads an error that came back from the worker as {kind, message}. */
export function engineErrorOf(error: unknown): EngineErrorShape {
  if (error instanceof Error) {
    const kind = KINDS.find((k) => k === error.name) ?? 'internal';
    return { kind, message: error.message };
  }
  return { kind: 'internal', message: String(error) };
}
