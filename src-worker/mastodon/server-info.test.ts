/**
 * Knowing a server from its instance document: the software and versions in the forms servers
 * really send, and what the documents of each kind of server settle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceSchema, parseLeniently } from '../../src-shared/mastodon/entities';
import { parseServerVersion, readInstance } from './server-info';

const FIXTURES = path.join(import.meta.dirname, '../../test/fixtures');
const fixture = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));

describe('the version string', () => {
  // Real strings, from the servers' source and other clients' fixtures (test/fixtures/*/SOURCE.md;
  // TootSDK and Tusky fixtures for Friendica, Pixelfed, Sharkey and Iceshrimp).
  it.each([
    ['4.5.0', 'https://github.com/mastodon/mastodon', 'mastodon', '4.5.0', '4.5.0'],
    ['4.3.0+glitch', 'https://github.com/glitch-soc/mastodon', 'mastodon', '4.3.0+glitch', '4.3.0+glitch'],
    [
      '4.2.10+hometown-1.1.1',
      'https://github.com/hometown-fork/hometown',
      'mastodon',
      '4.2.10+hometown-1.1.1',
      '4.2.10+hometown-1.1.1',
    ],
    ['2.7.2 (compatible; Akkoma 3.16.0)', undefined, 'akkoma', '3.16.0', '2.7.2'],
    [
      '2.7.2 (compatible; Akkoma 3.9.3-232-g6fde75e1-develop)',
      undefined,
      'akkoma',
      '3.9.3-232-g6fde75e1-develop',
      '2.7.2',
    ],
    ['2.7.2 (compatible; Pleroma 2.7.0)', undefined, 'pleroma', '2.7.0', '2.7.2'],
    ['2.7.2 (compatible; Pixelfed 0.11.4)', undefined, 'pixelfed', '0.11.4', '2.7.2'],
    ['2.8.0 (compatible; Friendica 2023.09-rc)', undefined, 'friendica', '2023.09-rc', '2.8.0'],
    ['3.0.0 (compatible; Sharkey 2024.1.0.beta1)', undefined, 'sharkey', '2024.1.0.beta1', '3.0.0'],
    ['3.0.0 (compatible; Sharkey 2024.3.3; like Akkoma)', undefined, 'sharkey', '2024.3.3', '3.0.0'],
    ['4.2.1 (compatible; Iceshrimp 2023.12.1)', undefined, 'iceshrimp', '2023.12.1', '4.2.1'],
    ['4.2.1 (compatible; Iceshrimp.NET/2024.1-beta5)', undefined, 'iceshrimp', '2024.1-beta5', '4.2.1'],
    [
      '0.20.0+git-57cb4fe',
      'https://codeberg.org/superseriousbusiness/gotosocial',
      'gotosocial',
      '0.20.0+git-57cb4fe',
      null,
    ],
  ])('%s', (version, source, software, softwareVersion, mastodonVersion) => {
    expect(parseServerVersion(version, source)).toEqual({
      software,
      softwareVersion,
      mastodonVersion,
      named: true,
    });
  });

  it('does not name a software from a bare version it cannot place (Hollo says "0.10.0")', () => {
    expect(parseServerVersion('0.10.0', null)).toMatchObject({ software: 'mastodon', named: false });
    expect(parseServerVersion('', null)).toMatchObject({ named: false, softwareVersion: null });
  });
});

describe('what an instance document settles', () => {
  const read = (file: string, documentVersion: 1 | 2, software?: { name: string; version: string }) => {
    const raw = fixture(file);
    const parsed = parseLeniently(instanceSchema, raw);
    expect(parsed.success).toBe(true);
    return readInstance(parsed.data!, raw, documentVersion, 'https://example.social', software);
  };

  it("GoToSocial's v2: its streaming host, no grouped notifications, no quotes", () => {
    const { info, features } = read('gotosocial/Instance.v2.json', 2);
    expect(info).toMatchObject({
      software: 'gotosocial',
      apiVersion: null,
      streamingUrl: 'wss://localhost:8080',
    });
    expect(features.grouped_notifications?.available).toBe(false);
    expect(features.quotes?.available).toBe(false);
    expect(features.streaming?.available).toBe(true);
  });

  it("Akkoma's v1, without a `configuration`: its streaming host from `urls`, quotes and edits from its features", () => {
    const { info, features } = read('akkoma/Instance.v1.json', 1);
    expect(info).toMatchObject({
      software: 'akkoma',
      mastodonVersion: '2.7.2',
      documentVersion: 1,
      streamingUrl: 'wss://lain.com',
      maxCharacters: 5000,
    });
    expect(features.streaming?.available).toBe(true);
    expect(features.grouped_notifications?.available).toBe(false);
  });

  it('a document with nothing but a version still reads, and turns streaming off', () => {
    const { info, features } = read('gotosocial/Instance.v1.json', 1);
    expect(info.streamingUrl).toBe('wss://localhost:8080');
    const bare = readInstance(
      parseLeniently(instanceSchema, { version: '4.1.0' }).data!,
      {},
      1,
      'https://x.social',
    );
    // Neither the version nor NodeInfo named it: not taken for Mastodon.
    expect(bare.info).toMatchObject({ software: 'unknown', streamingUrl: null, title: '' });
    expect(bare.features.streaming).toEqual({
      available: false,
      reason: 'the instance document names no streaming server',
    });
    expect(features.streaming?.available).toBe(true);
  });

  it('NodeInfo names a software the version string does not', () => {
    const { info } = read('gotosocial/Instance.v1.json', 1, { name: 'gotosocial', version: '0.0.0-testrig' });
    expect(info.software).toBe('gotosocial');
  });
});
