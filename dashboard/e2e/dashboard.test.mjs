// Browser test of the dashboard against the real server binary.
//
// Starts `telemetra run` on a free loopback port with a fresh data directory, opens the
// dashboard it serves in headless Chromium (the system's; no browser is ever downloaded) and
// checks what a person would: channels listed, the viewer number moving, the chart drawing
// and the live connection up. Screenshots go to test-results/.
//
//   TELEMETRA_BIN  server binary (default ../target/debug/telemetra from dashboard/)
//   CHROMIUM_PATH  browser binary (default /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dashboardDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverBin = path.resolve(
  dashboardDir,
  process.env.TELEMETRA_BIN || '../target/debug/telemetra',
);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const resultsDir = path.join(dashboardDir, 'test-results');

const HEALTH_TIMEOUT_MS = 60_000;
const VIEWER_CHANGE_TIMEOUT_MS = 15_000;
/** The chart's series colour (chartTheme.accent in src/lib/theme.ts). */
const SERIES_RGB = [0xa7, 0x8b, 0xfa];

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('playwright-core').Page | undefined} */
let page;
let baseUrl = '';
let dataDir = '';
let serverExit = null;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth() {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (serverExit) {
      throw new Error(`The server exited before it was healthy (${serverExit}); see server.log.`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`GET /health did not answer 200 within 60 s (last: ${lastProblem}).`);
}

function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  const child = server;
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Never leave the server running, even if the test process dies on an exception.
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});

async function screenshot(name) {
  if (page) await page.screenshot({ path: path.join(resultsDir, name), fullPage: true });
}

/** Polls `probe` until it returns a truthy value or the time is up; returns the last value. */
async function poll(probe, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!value && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await probe();
  }
  return value;
}

// A missing binary is a failure, not a skip: this test exists to prove the two work together.
const missing = [
  !existsSync(serverBin) &&
    `Server binary not found at ${serverBin}. Build it first (cargo build -p telemetra) ` +
      'or point TELEMETRA_BIN at it.',
  !existsSync(chromiumPath) &&
    `Chromium not found at ${chromiumPath}. Install it (apt-get install -y chromium) ` +
      'or point CHROMIUM_PATH at it.',
].filter(Boolean);

if (missing.length > 0) {
  it('has the server binary and a browser', () => {
    assert.fail(missing.join('\n'));
  });
}

describe('dashboard against the real server', { skip: missing.length > 0 }, () => {
  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'telemetra-e2e-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;

    const log = createWriteStream(path.join(resultsDir, 'server.log'));
    server = spawn(serverBin, ['run', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.pipe(log);
    server.stderr.pipe(log);
    server.once('exit', (code, signal) => {
      serverExit = signal ? `signal ${signal}` : `exit code ${code}`;
    });
    server.once('error', (error) => {
      serverExit = `spawn error: ${error.message}`;
    });
    await waitForHealth();

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[browser] ${message.text()}`);
    });
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  });

  after(async () => {
    try {
      await screenshot('overview.png');
      if (page) {
        await page.setViewportSize({ width: 390, height: 844 });
        await sleep(500);
        await page.screenshot({ path: path.join(resultsDir, 'phone.png') });
      }
    } catch (error) {
      console.error(`Could not take the screenshots: ${error}`);
    }
    await browser?.close().catch(() => {});
    await stopServer();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists at least three channels', async () => {
    const items = page.getByTestId('channel-item');
    const count = await poll(async () => ((await items.count()) >= 3 ? items.count() : 0), 20_000);
    assert.ok(count >= 3, `expected ≥ 3 channels in the list, saw ${await items.count()}`);
    const ids = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-channel')));
    assert.ok(
      ids.every((id) => typeof id === 'string' && id.length > 0),
      `every channel item names its channel: ${JSON.stringify(ids)}`,
    );
  });

  it('reaches a connected live feed', async () => {
    const status = page.getByTestId('connection-status');
    const state = await poll(async () => {
      const s = await status.getAttribute('data-state', { timeout: 5000 });
      return s === 'connected' ? s : null;
    }, 20_000);
    assert.equal(
      state ?? (await status.getAttribute('data-state')),
      'connected',
      'connection-status should reach "connected"',
    );
  });

  it('updates the viewer count within 15 s', async () => {
    const viewerCount = page.getByTestId('viewer-count');
    await viewerCount.waitFor({ state: 'visible', timeout: 20_000 });
    const first = (await viewerCount.textContent())?.trim() ?? '';
    assert.match(first, /^\d{1,3}(,\d{3})*$/, `viewer count should be a number, got "${first}"`);

    const changed = await poll(async () => {
      const now = (await viewerCount.textContent())?.trim();
      return now && now !== first ? now : null;
    }, VIEWER_CHANGE_TIMEOUT_MS);
    assert.ok(changed, `viewer count stayed at ${first} for 15 s`);
  });

  it('draws the chat-rate series on the chart canvas', async () => {
    const chart = page.getByTestId('chat-chart');
    await chart.locator('canvas').first().waitFor({ state: 'attached', timeout: 10_000 });

    const points = await poll(async () => {
      const n = Number(await chart.getAttribute('data-points'));
      return n >= 2 ? n : 0;
    }, 20_000);
    assert.ok(points >= 2, `expected the chart to have points, data-points=${points}`);
    // Give uPlot a frame to paint the latest data.
    await sleep(1500);

    const pixels = await chart.evaluate((el, rgb) => {
      const canvas = el.querySelector('canvas');
      if (!canvas) return { error: 'no canvas' };
      const ctx = canvas.getContext('2d');
      if (!ctx) return { error: 'no 2d context' };
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      let series = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        painted += 1;
        const close =
          data[i + 3] > 200 &&
          Math.abs(data[i] - rgb[0]) < 40 &&
          Math.abs(data[i + 1] - rgb[1]) < 40 &&
          Math.abs(data[i + 2] - rgb[2]) < 40;
        if (close) series += 1;
      }
      return { width: canvas.width, height: canvas.height, painted, series };
    }, SERIES_RGB);
    assert.ok(!('error' in pixels), `chart canvas: ${pixels.error}`);
    assert.ok(pixels.width > 0 && pixels.height > 0, 'chart canvas has a size');
    assert.ok(pixels.painted > 0, 'chart canvas is not blank');
    assert.ok(
      pixels.series > 20,
      `expected the series line in the chart, found ${pixels.series} pixels of its colour`,
    );
  });
});
