/**
 * The arguments of every command the screen may call (`RendererApi`), as zod schemas: the worker
 * parses each call's arguments with these at its edge before the command runs, and refuses what
 * does not fit as `invalid_input`, naming the command and the field. The renderer may use them too,
 * to check a form before sending it.
 *
 * Each command's arguments are a tuple; each argument is named with `.describe()`, which is how
 * the message that refuses it names it. Objects drop keys they do not know.
 */
import { z } from 'zod';
import type { HostVault } from './host-api';
import {
  INTERACTION_KINDS,
  MASTODON_ACTIONS,
  RELATION_ACTIONS,
  PRIVACY_LEVELS,
  RANKING_FEATURES,
  RANKING_PRESETS,
  TOGGLE_KINDS,
  type DataChange,
  type RendererApi,
} from './worker-api';

/** Raw interactions are kept for a whole number of days in this range (privacy LIMITED or NONE). */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;
/** Posts are kept for ever, or for a whole number of months up to this. */
export const MAX_KEEP_MONTHS = 120;

const retentionDaysMessage = `Retention must be a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}.`;
export const retentionDaysSchema = z
  .int(retentionDaysMessage)
  .min(RETENTION_DAYS.min, retentionDaysMessage)
  .max(RETENTION_DAYS.max, retentionDaysMessage);

export const privacyLevelSchema = z.enum(PRIVACY_LEVELS, {
  error: `Privacy level must be one of ${PRIVACY_LEVELS.join(', ')}.`,
});

const keepMonthsMessage = `Posts are kept for ever, or for a whole number of months from 1 to ${MAX_KEEP_MONTHS}.`;
/** null: for ever. */
export const keepMonthsSchema = z
  .int(keepMonthsMessage)
  .min(1, keepMonthsMessage)
  .max(MAX_KEEP_MONTHS, keepMonthsMessage)
  .nullable();

/** Ids of rows (accounts, posts, outbox items, subscriptions): whole numbers. */
const id = z.int('Expected a whole number (an id).');

const weightMessage = 'A weight must be a number between -20 and 20';
const rankingPatch = z.object({
  preset: z.enum(RANKING_PRESETS).optional(),
  weights: z
    .record(z.string(), z.number(weightMessage).min(-20, weightMessage).max(20, weightMessage).nullable())
    .superRefine((weights, context) => {
      for (const feature of Object.keys(weights))
        if (!(RANKING_FEATURES as readonly string[]).includes(feature))
          context.addIssue({ code: 'custom', message: `Unknown feature: ${feature}`, path: [feature] });
    })
    .optional(),
  learning: z.boolean().optional(),
  resetLearned: z.boolean().optional(),
  discoveryShare: z
    .number('The discovery share is between 0 and 1')
    .min(0, 'The discovery share is between 0 and 1')
    .max(1, 'The discovery share is between 0 and 1')
    .optional(),
});

const interactionFields = {
  statusId: id,
  accountId: id.nullable().optional(),
  at: z.number().optional(),
  /** Dwell milliseconds; 1 for everything else. */
  value: z.number('value must be a finite number').optional(),
  context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
};
const interactionKind = z.enum(INTERACTION_KINDS, {
  error: (issue) => `Unknown interaction kind: ${String(issue.input)}`,
});
/** Only toggles (favourite, bookmark, more like this…) are undone. */
const toggleKind = interactionKind.refine((kind) => TOGGLE_KINDS.includes(kind), {
  error: (issue) => `${String(issue.input)} cannot be undone`,
});

/** A handle: `name@server`, or `name` on the account's own server. */
const acct = z
  .string()
  .trim()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(z.string().regex(/^[^\s@/]+(@[^\s@/]+)?$/, 'A handle is name@server.'));

const language = z.string().regex(/^[a-z]{2,3}$/, 'A language is a two- or three-letter ISO 639 code.');

const actionInput = z
  .object({
    accountId: id,
    statusId: id,
    action: z.enum(MASTODON_ACTIONS, { error: (issue) => `unknown action ${JSON.stringify(issue.input)}` }),
    reply: z
      .object({
        text: z.string(),
        spoilerText: z.string().optional(),
        visibility: z.enum(['public', 'unlisted', 'private', 'direct']).optional(),
      })
      .optional(),
    choices: z.array(z.number().int().min(0).max(100)).min(1).max(100).optional(),
    edit: z
      .object({
        text: z.string().max(100_000, 'A post can be at most 100,000 characters.'),
        spoilerText: z.string().max(10_000).optional(),
        language: language.nullable().optional(),
      })
      .optional(),
  })
  .refine((input) => input.action !== 'vote' || (input.choices?.length ?? 0) > 0, {
    message: 'A vote needs at least one option.',
    path: ['choices'],
  })
  .refine((input) => input.action !== 'edit' || (input.edit?.text.trim() ?? '') !== '', {
    message: 'An edited post needs some text.',
    path: ['edit', 'text'],
  })
  .refine((input) => input.action !== 'reply' || (input.reply?.text.trim() ?? '') !== '', {
    message: 'A reply needs some text.',
    path: ['reply', 'text'],
  })
  .refine((input) => input.action !== 'post', {
    message: 'A new post is published with actions.publish.',
    path: ['action'],
  });

const publishInput = z.object({
  accountId: id,
  text: z
    .string()
    .max(100_000, 'A post can be at most 100,000 characters.')
    .refine((text) => text.trim() !== '', 'A post needs some text.'),
  spoilerText: z.string().max(10_000).optional(),
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']).optional(),
  language: language.nullable().optional(),
});

/**
 * Objects that cross as comlink proxies (a listener, the desktop's vault) are passed on untouched:
 * only that they are there is checked, since reading a proxy's properties would call across.
 */
const callable = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', `${what} must be a function`);
const remoteObject = <T>(what: string) =>
  z.custom<T>(
    (value) => value !== null && (typeof value === 'object' || typeof value === 'function'),
    `${what} must be an object`,
  );

/** One schema per command of T, whose output must be that command's arguments: a misfit does not compile. */
type ArgumentSchemas<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => unknown ? z.ZodType<A> : ArgumentSchemas<T[K]>;
};

export const RENDERER_API_ARGUMENTS = {
  status: z.tuple([]),
  recoverDamagedDatabase: z.tuple([]),
  accounts: {
    list: z.tuple([]),
    setDefault: z.tuple([id.describe('accountId')]),
  },
  ranking: {
    settings: z.tuple([]),
    update: z.tuple([rankingPatch.describe('patch')]),
    refresh: z.tuple([]),
    newPosts: z.tuple([]),
    feedback: z.tuple([z.object({ statusId: id, direction: z.enum(['more', 'less']) }).describe('input')]),
  },
  timeline: {
    page: z.tuple([
      z
        .object({
          order: z.enum(['ranked', 'chronological']),
          /** Clamped to what a page holds. */
          limit: z.int().optional(),
          cursor: z.string().nullable().optional(),
          accountId: id.optional(),
        })
        .describe('query'),
    ]),
    posts: z.tuple([z.array(id).max(200, 'At most 200 posts at a time.').describe('ids')]),
    list: z.tuple([
      z
        .object({
          of: z.union([
            z.object({ timeline: z.string().min(1).max(200), accountId: id.optional() }),
            z.object({ author: z.string().min(1).max(400) }),
            z.object({ tag: z.string().min(1).max(200) }),
          ]),
          limit: z.int().optional(),
          cursor: z.string().nullable().optional(),
        })
        .describe('query'),
    ]),
    thread: z.tuple([id.describe('statusId')]),
    sources: z.tuple([]),
    markRead: z.tuple([id.describe('statusId')]),
    readingPosition: z.tuple([id.nullable().optional().describe('accountId')]),
  },
  mastodon: {
    start: z.tuple([
      z
        .object({ vault: remoteObject<HostVault>('vault').optional() })
        .optional()
        .describe('options'),
    ]),
    startSignIn: z.tuple([
      z.string().describe('instance'),
      z
        .object({ redirectUri: z.string().optional(), state: z.string().optional() })
        .optional()
        .describe('options'),
    ]),
    finishSignIn: z.tuple([z.string().describe('callbackUrl')]),
    signOut: z.tuple([id.describe('accountId')]),
    status: z.tuple([]),
    setForeground: z.tuple([z.boolean().describe('foreground')]),
    retryNow: z.tuple([id.describe('accountId')]),
    fetchThread: z.tuple([id.describe('statusId')]),
    profile: z.tuple([acct.describe('acct'), id.optional().describe('accountId')]),
    relate: z.tuple([
      z
        .object({
          accountId: id,
          acct,
          action: z.enum(RELATION_ACTIONS, {
            error: (issue) => `unknown action ${JSON.stringify(issue.input)}`,
          }),
        })
        .describe('input'),
    ]),
    searchServer: z.tuple([z.string().trim().min(1, 'Search for something.').max(500).describe('query')]),
    statusSource: z.tuple([id.describe('statusId')]),
  },
  actions: {
    perform: z.tuple([actionInput.describe('input')]),
    publish: z.tuple([publishInput.describe('input')]),
    list: z.tuple([
      z
        .array(z.enum(['pending', 'sending', 'sent', 'failed']))
        .optional()
        .describe('states'),
    ]),
    cancel: z.tuple([id.describe('outboxId')]),
    retry: z.tuple([id.describe('outboxId')]),
    dismiss: z.tuple([id.describe('outboxId')]),
  },
  servers: {
    info: z.tuple([id.describe('accountId')]),
    features: z.tuple([id.describe('accountId')]),
    steps: z.tuple([id.describe('accountId')]),
    diagnostics: z.tuple([z.string().optional().describe('instance')]),
  },
  notifications: {
    groups: z.tuple([
      z
        .object({
          types: z.array(z.string().min(1).max(40)).max(20).optional(),
          limit: z.int().min(1).max(200).optional(),
        })
        .optional()
        .describe('query'),
    ]),
    markRead: z.tuple([]),
    unread: z.tuple([]),
  },
  search: {
    posts: z.tuple([z.string().describe('query'), z.int().optional().describe('limit')]),
  },
  interactions: {
    record: z.tuple([z.object({ ...interactionFields, kind: interactionKind }).describe('input')]),
    undo: z.tuple([z.object({ ...interactionFields, kind: toggleKind }).describe('input')]),
  },
  storage: {
    retention: z.tuple([keepMonthsSchema.optional().describe('keepMonths')]),
    setRetention: z.tuple([keepMonthsSchema.describe('keepMonths')]),
  },
  events: {
    subscribe: z.tuple([callable<(change: DataChange) => void>('listener').describe('listener')]),
    unsubscribe: z.tuple([id.describe('id')]),
  },
  images: {
    hosts: z.tuple([]),
    add: z.tuple([z.array(z.string().max(260)).max(100).describe('hosts')]),
  },
  privacy: {
    get: z.tuple([]),
    set: z.tuple([
      z
        .object({ level: privacyLevelSchema.optional(), retentionDays: retentionDaysSchema.optional() })
        .describe('settings'),
    ]),
    exportEverything: z.tuple([]),
    deleteEverything: z.tuple([]),
  },
} satisfies ArgumentSchemas<RendererApi>;
