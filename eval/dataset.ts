/**
 * The offline evaluation's dataset format (documented in the README) and its reader. Every line is
 * parsed with a schema; the first bad line stops the run with the file and line named.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { statusSchema, type MastodonStatus } from '../src-shared/mastodon/entities';

export const EVENT_TYPES = [
  'favourite',
  'reblog',
  'reply',
  'bookmark',
  'open',
  'dwell',
  'seen',
  'less_like_this',
  'more_like_this',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Acting on a post: what makes a candidate relevant, and what takes it out of the candidates. */
export const ACTS: ReadonlySet<EventType> = new Set(['favourite', 'reblog', 'reply', 'bookmark']);

const isoTime = z.iso.datetime({ offset: true });

export const userLineSchema = z.object({
  user: z.string().min(1),
  follows: z.array(z.string()),
  followed_tags: z.array(z.string()),
});
export const timelineLineSchema = z.object({
  user: z.string().min(1),
  status_id: z.string().min(1),
  at: isoTime,
});
export const eventLineSchema = z.object({
  user: z.string().min(1),
  status_id: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  at: isoTime,
  dwell_ms: z.number().nonnegative().optional(),
});
export const splitSchema = z.object({ train_until: isoTime });

export type UserLine = z.infer<typeof userLineSchema>;
export interface TimelineLine {
  user: string;
  status_id: string;
  at: number;
}
export interface EventLine {
  user: string;
  status_id: string;
  type: EventType;
  at: number;
  dwell_ms?: number;
}

export interface Dataset {
  statuses: Map<string, MastodonStatus>;
  users: UserLine[];
  timeline: TimelineLine[];
  events: EventLine[];
  trainUntil: number;
}

export class DatasetError extends Error {}

function messageOf(error: unknown): string {
  return error instanceof z.ZodError ? describe(error) : (error as Error).message;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`)
    .join('; ');
}

async function readLines<T>(
  dir: string,
  file: string,
  parse: (value: unknown) => T,
  each: (value: T) => void,
): Promise<void> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new DatasetError(`${file}: missing from ${dir}`);
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new DatasetError(`${file}:${number}: not JSON (${(error as Error).message})`);
    }
    try {
      each(parse(json));
    } catch (error) {
      throw new DatasetError(`${file}:${number}: ${messageOf(error)}`);
    }
  }
}

export async function readDataset(dir: string): Promise<Dataset> {
  const statuses = new Map<string, MastodonStatus>();
  await readLines(
    dir,
    'statuses.jsonl',
    (v) => statusSchema.parse(v),
    (status) => statuses.set(status.id, status),
  );
  const users: UserLine[] = [];
  const known = new Set<string>();
  await readLines(
    dir,
    'users.jsonl',
    (v) => userLineSchema.parse(v),
    (user) => {
      if (known.has(user.user)) throw new Error(`user ${user.user} listed twice`);
      known.add(user.user);
      users.push(user);
    },
  );
  const checkRefs = (line: { user: string; status_id: string }): void => {
    if (!known.has(line.user)) throw new Error(`user ${line.user} is not in users.jsonl`);
    if (!statuses.has(line.status_id)) throw new Error(`status ${line.status_id} is not in statuses.jsonl`);
  };
  const timeline: TimelineLine[] = [];
  await readLines(
    dir,
    'timeline.jsonl',
    (v) => timelineLineSchema.parse(v),
    (line) => {
      checkRefs(line);
      timeline.push({ ...line, at: Date.parse(line.at) });
    },
  );
  const events: EventLine[] = [];
  await readLines(
    dir,
    'events.jsonl',
    (v) => eventLineSchema.parse(v),
    (line) => {
      checkRefs(line);
      events.push({ ...line, at: Date.parse(line.at) });
    },
  );
  const splitPath = join(dir, 'split.json');
  if (!existsSync(splitPath)) throw new DatasetError(`split.json: missing from ${dir}`);
  let split: z.infer<typeof splitSchema>;
  try {
    split = splitSchema.parse(JSON.parse(readFileSync(splitPath, 'utf8')));
  } catch (error) {
    throw new DatasetError(`split.json: ${messageOf(error)}`);
  }
  timeline.sort((a, b) => a.at - b.at);
  events.sort((a, b) => a.at - b.at);
  return { statuses, users, timeline, events, trainUntil: Date.parse(split.train_until) };
}
