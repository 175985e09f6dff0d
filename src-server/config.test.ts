import { describe, expect, it } from 'vitest';
import { ConfigError, readServerConfig } from './config';

const URL_ENV = { CORGI_SYNC_DATABASE_URL: 'postgres://corgi@127.0.0.1:5432/corgi' };

describe('sync server configuration', () => {
  it('fills in defaults around the database URL', () => {
    expect(readServerConfig(URL_ENV)).toEqual({
      host: '127.0.0.1',
      port: 8787,
      databaseUrl: URL_ENV.CORGI_SYNC_DATABASE_URL,
      retentionDays: 90,
      minInstallsPerBucket: 10,
    });
  });

  it('reads every setting from the environment', () => {
    const config = readServerConfig({
      ...URL_ENV,
      CORGI_SYNC_HOST: '0.0.0.0',
      CORGI_SYNC_PORT: '9000',
      CORGI_SYNC_RETENTION_DAYS: '30',
      CORGI_SYNC_MIN_INSTALLS: '10',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      retentionDays: 30,
      minInstallsPerBucket: 10,
    });
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => readServerConfig({})).toThrow(/CORGI_SYNC_DATABASE_URL is not set/);
    expect(() => readServerConfig({ CORGI_SYNC_DATABASE_URL: 'mysql://x/y' })).toThrow(/postgres:\/\//);
    expect(() => readServerConfig({ ...URL_ENV, CORGI_SYNC_PORT: '80a' })).toThrow(/CORGI_SYNC_PORT/);
    expect(() => readServerConfig({ ...URL_ENV, CORGI_SYNC_PORT: '70000' })).toThrow(ConfigError);
    expect(() => readServerConfig({ ...URL_ENV, CORGI_SYNC_MIN_INSTALLS: '1' })).toThrow(/between 2/);
  });
});
