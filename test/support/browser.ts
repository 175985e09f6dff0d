/**
 * Debian's Chromium driven by playwright-core, with a fresh profile per launch. The flags keep it
 * from reaching for the network, which these machines do not have.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  profileDir: string;
  close(): Promise<void>;
}

/** A persistent context, so OPFS survives page reloads and browser restarts on the same profile. */
export async function launchBrowser(profileDir?: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's chromium package.`);
  }
  const dir = profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
  return {
    context,
    profileDir: dir,
    async close() {
      await context.close();
      if (!profileDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
