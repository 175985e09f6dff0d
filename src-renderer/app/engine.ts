/**
 * The data worker's API, once started: screens read through the query cache and act through
 * commands, both of which reach the worker here.
 */
import type { EngineClient } from '../engine-client';

let current: EngineClient | null = null;

export function setEngine(api: EngineClient | null): void {
  current = api;
}

export function engine(): EngineClient {
  if (!current) throw new Error('The data engine is not started.');
  return current;
}
