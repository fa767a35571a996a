// Debian's Chromium, headless, for the browser checks (docs:check, console:check):
// CHROMIUM=/path overrides `which chromium`. The flags keep it off the network,
// which this machine does not have.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

/** Launches headless Chromium with playwright-core. */
export function launchChromium() {
  const executablePath =
    process.env.CHROMIUM ?? execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
