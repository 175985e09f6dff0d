/**
 * The worker's edge: what the page can reach. Only `RendererApi` is exposed, each call's arguments
 * parsed by its schema (src-shared/renderer-api-schemas.ts) before the command runs; the engine's
 * own commands (ingest, sync, account state, embedding, upkeep) stay inside the worker. A test
 * build adds them under `testing`, for the end-to-end tests to seed the database with.
 */
import type { z } from 'zod';
import { RENDERER_API_ARGUMENTS } from '../src-shared/renderer-api-schemas';
import type { EngineApi, RendererApi, WorkerApi } from '../src-shared/worker-api';
import { EngineError } from './errors';

type Command = (...args: unknown[]) => Promise<unknown>;
type CommandTable = { [name: string]: Command | CommandTable };
type SchemaTable = { [name: string]: z.ZodTuple | SchemaTable };

/** The surface a test build exposes: the screen's commands, and the engine's under `testing`. */
export type TestHooksApi = RendererApi & { testing: EngineApi };

/** The renderer's commands over `api`, each refusing arguments its schema does not accept. */
export function createRendererApi(api: WorkerApi): RendererApi {
  return parsedSurface(RENDERER_API_ARGUMENTS, api as unknown as CommandTable, '') as unknown as RendererApi;
}

function parsedSurface(schemas: SchemaTable, commands: CommandTable, prefix: string): CommandTable {
  const surface: CommandTable = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const fullName = `${prefix}${name}`;
    const target = commands[name];
    if (target === undefined) throw new Error(`The engine has no command ${fullName}`);
    if (typeof target === 'function') {
      const parse = schema as z.ZodTuple;
      surface[name] = async (...args: unknown[]) => {
        const parsed = parse.safeParse(args);
        if (!parsed.success) throw refusal(fullName, parse, args, parsed.error);
        return target(...(parsed.data as unknown[]));
      };
    } else {
      surface[name] = parsedSurface(schema as SchemaTable, target, `${fullName}.`);
    }
  }
  return surface;
}

/** "privacy.set: settings.retentionDays: Retention must be…", one clause per problem. */
function refusal(command: string, schema: z.ZodTuple, args: unknown[], error: z.ZodError): EngineError {
  const items = schema.def.items as z.ZodType[];
  const problems = error.issues.map((issue) => {
    const [index, ...path] = issue.path;
    if (typeof index !== 'number') {
      // The argument list itself: too many or too few.
      const names = items.map((item) => `${item.description}${item.safeParse(undefined).success ? '?' : ''}`);
      const takes = names.length === 0 ? 'no arguments' : `(${names.join(', ')})`;
      return `takes ${takes}, not ${args.length} argument${args.length === 1 ? '' : 's'}`;
    }
    const name = items[index]?.description ?? `argument ${index + 1}`;
    return `${[name, ...path.map(String)].join('.')}: ${issue.message}`;
  });
  return new EngineError('invalid_input', `${command}: ${problems.join('; ')}`);
}

/** The engine's own commands, group by group: what the page never reaches. */
const ENGINE_COMMANDS: { [G in keyof EngineApi]: { [C in keyof EngineApi[G]]: true } } = {
  accounts: { upsert: true, setState: true, remove: true },
  ingest: { statuses: true, deletions: true, notifications: true, newestNotification: true },
  ranking: { embedPending: true },
  timeline: { gaps: true, served: true },
  sync: {
    cursor: true,
    saveCursor: true,
    recentRemoteIds: true,
    saveFilters: true,
    saveRelations: true,
    saveLists: true,
    keepFollowedTags: true,
    setRelation: true,
    statusIdsFor: true,
    markersToSend: true,
    saveServerMarkers: true,
  },
  servers: { save: true, setFeature: true, recordStep: true, forgetSteps: true, recordDiagnostics: true },
  upkeep: { checkIntegrity: true, idleMs: true, dropOldPosts: true },
  privacy: { applyRetention: true },
};

/** The engine-only commands of `api`, and nothing else. */
export function engineApiOf(api: WorkerApi): EngineApi {
  const table = api as unknown as Record<string, CommandTable>;
  const picked: Record<string, CommandTable> = {};
  for (const [group, names] of Object.entries(ENGINE_COMMANDS)) {
    picked[group] = Object.fromEntries(Object.keys(names).map((name) => [name, table[group]![name]!]));
  }
  return picked as unknown as EngineApi;
}

/** What a test build exposes to the page: the renderer's commands, and the engine's under `testing`. */
export function withTestHooks(api: WorkerApi): TestHooksApi {
  return { ...createRendererApi(api), testing: engineApiOf(api) };
}

export { deferredSurface } from './deferred-surface';
