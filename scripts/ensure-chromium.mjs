// npm test's browser tests drive Debian's Chromium (test/e2e): install it when it is missing and this
// machine can (root with apt-get), so a fresh machine needs no extra step. Otherwise say how; the
// e2e test then fails with the same advice rather than passing without a browser.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (canInstall) {
    console.error(`No Chromium at ${chromium}: installing Debian's chromium for the browser tests…`);
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status;
    if (install() !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      install();
    }
  } else {
    console.error(
      `No Chromium at ${chromium}, and no root apt-get to install it: run "apt-get install -y chromium" or set CHROMIUM_PATH.`,
    );
  }
}
