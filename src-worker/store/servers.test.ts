/**
 * What the engine keeps of each account's server: features on and off with why and when to ask
 * again, how each sync step went, and per server and field what could not be read.
 */
import { describe, expect, it } from 'vitest';
import { useTestEngines } from '../../test/support/engine';

const engines = useTestEngines();

describe('servers', () => {
  it('keeps a feature switched off with its reason and when to ask again, and clears both when it is back', async () => {
    const { api, account } = await engines.openWithAccount({ now: () => 1000 });
    await api.servers.setFeature(account.id, 'lists', {
      available: false,
      reason: 'GET /api/v1/lists answered 404',
      retryAt: 5000,
    });
    expect(await api.servers.features(account.id)).toEqual([
      {
        feature: 'lists',
        available: false,
        reason: 'GET /api/v1/lists answered 404',
        checkedAt: 1000,
        retryAt: 5000,
      },
    ]);
    await api.servers.setFeature(account.id, 'lists', { available: true });
    expect(await api.servers.features(account.id)).toMatchObject([
      { available: true, reason: null, retryAt: null },
    ]);
    await expect(
      api.servers.setFeature(account.id, 'teleport' as 'lists', { available: true }),
    ).rejects.toThrow(/unknown server feature "teleport"/);
  });

  it('counts a step’s failures in a row with the last reason, and starts over after a success', async () => {
    const { api, account } = await engines.openWithAccount({ now: () => 1000 });
    await api.servers.recordStep(account.id, 'mutes', { error: 'answered 500', nextAt: 61_000 });
    const twice = await api.servers.recordStep(account.id, 'mutes', {
      error: 'answered 502',
      nextAt: 121_000,
    });
    expect(twice).toMatchObject({
      failures: 2,
      lastError: 'answered 502',
      lastErrorAt: 1000,
      nextAt: 121_000,
    });
    const ok = await api.servers.recordStep(account.id, 'mutes', { error: null, nextAt: 9000 });
    expect(ok).toMatchObject({ failures: 0, lastOkAt: 1000, lastError: 'answered 502', nextAt: 9000 });
  });

  it('counts per server and field what filters and other entities sent that could not be read', async () => {
    const { api, account } = await engines.openWithAccount({}, { instance: 'gts.example' });
    // GoToSocial writes a filter's status id under "phrase" (internal/api/model/filterv2.go L107).
    const filter = {
      id: '01F',
      title: 'Spoilers',
      context: ['home'],
      expires_at: null,
      filter_action: 'hide',
      keywords: [{ id: '01K', keyword: 'finale', whole_word: true }],
      statuses: [{ id: '01S', phrase: '01STATUS' }],
    };
    const saved = await api.sync.saveFilters(account.id, [filter, { ...filter, id: '02F', context: 'home' }]);
    expect(saved).toEqual({ saved: 2, rejected: [] });
    await api.servers.recordDiagnostics(account.id, { 'List.title': 2 });
    expect((await api.servers.diagnostics('gts.example')).map((d) => [d.field, d.dropped])).toEqual([
      ['Filter.context', 1],
      ['Filter.statuses[]', 2],
      ['List.title', 2],
    ]);
  });
});
