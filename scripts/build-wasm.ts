/**
 * npm run build:wasm
 * Assembles src-worker/rank/dot.wat into src-worker/rank/dot-wasm.ts (the module's bytes, base64),
 * which is what the worker loads; a unit test checks that the two agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleDotWasm, DOT_WAT_PATH, DOT_WASM_TS_PATH, dotWasmSource } from './wasm';

const bytes = await assembleDotWasm(readFileSync(DOT_WAT_PATH, 'utf8'));
writeFileSync(DOT_WASM_TS_PATH, dotWasmSource(bytes));
console.log(`${DOT_WASM_TS_PATH}: ${bytes.length} bytes`);
