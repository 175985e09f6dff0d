/**
 * The sync server's settings, read from its environment. Anything missing or malformed stops the
 * server at start with a message naming the variable, rather than failing later under load.
 */
export interface ServerConfig {
  /** Loopback by default: the server is put behind a reverse proxy that terminates TLS. */
  host: string;
  port: number;
  /** A PostgreSQL connection string. */
  databaseUrl: string;
  /** Daily aggregates older than this are deleted. */
  retentionDays: number;
  /** Buckets shared by fewer installs than this are never served back (k-anonymity). */
  minInstallsPerBucket: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, not "${raw}".`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, not ${value}.`);
  return value;
}

export function readServerConfig(env: Env): ServerConfig {
  const databaseUrl = env.CORGI_SYNC_DATABASE_URL?.trim();
  if (!databaseUrl) {
    throw new ConfigError('CORGI_SYNC_DATABASE_URL is not set: give it a postgres:// connection string.');
  }
  let protocol: string;
  try {
    protocol = new URL(databaseUrl).protocol;
  } catch {
    throw new ConfigError('CORGI_SYNC_DATABASE_URL is not a URL.');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError(`CORGI_SYNC_DATABASE_URL must start with postgres://, not ${protocol}//.`);
  }
  return {
    host: env.CORGI_SYNC_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'CORGI_SYNC_PORT', 8787, 1, 65535),
    databaseUrl,
    retentionDays: integer(env, 'CORGI_SYNC_RETENTION_DAYS', 90, 1, 3650),
    minInstallsPerBucket: integer(env, 'CORGI_SYNC_MIN_INSTALLS', 10, 2, 1_000_000),
  };
}
