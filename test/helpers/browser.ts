// Debian's Chromium driven by playwright-core, for the explorer's end-to-end tests.
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install it with "apt-get install -y chromium" (npm test tries to), or set CHROMIUM_PATH`,
    );
  }
  // The flags keep Chromium off the network this machine does not have (see the README).
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Chromium with one page the size the explorer is designed for. */
export async function openPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return { browser, page };
}
