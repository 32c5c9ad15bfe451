// Browser test of the dashboard against the real server binary.
//
// Starts `telemetra run` on a free loopback port with a fresh data directory and short
// windows (10 s, sliding every 2 s, so the generator's first raid comes within seconds),
// opens the dashboard in headless Chromium (the system's; no browser is ever downloaded)
// and checks what a person would: the overview lists the channels with sparklines, every
// panel of a channel shows real data, clicking a moment focuses the charts, a longer range
// loads its history, the compare view plots several channels, and a server restart on the
// same port and data directory shows "reconnecting" and then resumes. Screenshots go to
// test-results/.
//
// In a debug build the server serves the dashboard from the checkout it was compiled in. If
// that is not this build of dist/ (a second work tree, say), the test serves this dist/ with
// `vite preview` in front of the server, which proxies /api, /ws and /health to it.
//
//   TELEMETRA_BIN  server binary (default ../target/debug/telemetra from dashboard/)
//   CHROMIUM_PATH  browser binary (default /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
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
const distIndex = path.join(dashboardDir, 'dist', 'index.html');

const HEALTH_TIMEOUT_MS = 60_000;
const VIEWER_CHANGE_TIMEOUT_MS = 15_000;
/** With 10 s windows the generator's raid lands ~10 s in and a chat burst ~31 s in. */
const MOMENT_TIMEOUT_MS = 75_000;
const SERVER_FLAGS = ['--window', '10s', '--slide', '2s', '--lateness', '3s'];
/** The chat-rate series colour in the dark theme (palettes.dark.chat in src/lib/theme.ts). */
const SERIES_RGB = [0x56, 0xb4, 0xe9];

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('node:child_process').ChildProcess | undefined} */
let preview;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('playwright-core').Page | undefined} */
let page;
let apiUrl = '';
let baseUrl = '';
let port = 0;
let dataDir = '';
let serverExit = null;
let serverRuns = 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url = apiUrl) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (serverExit) {
      throw new Error(`The server exited before it was healthy (${serverExit}); see server.log.`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`GET ${url}/health did not answer 200 within 60 s (last: ${lastProblem}).`);
}

/** Starts `telemetra run` on `port` with `dataDir`; every run appends to server.log. */
async function startServer(extraFlags = []) {
  serverRuns += 1;
  serverExit = null;
  const log = createWriteStream(path.join(resultsDir, 'server.log'), {
    flags: serverRuns === 1 ? 'w' : 'a',
  });
  log.write(`---- run ${serverRuns}: telemetra run on port ${port}\n`);
  server = spawn(
    serverBin,
    ['run', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...SERVER_FLAGS, ...extraFlags],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  server.once('exit', (code, signal) => {
    serverExit = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  server.once('error', (error) => {
    serverExit = `spawn error: ${error.message}`;
  });
  await waitForHealth();
}

function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const stopServer = () => stopProcess(server);

/**
 * The URL to open: the server itself when it serves this build of dist/, otherwise a
 * `vite preview` of this dist/ that proxies the API to the server.
 */
async function dashboardUrl() {
  const local = readFileSync(distIndex, 'utf8');
  const served = await fetch(`${apiUrl}/`).then((r) => r.text());
  const script = (html) => html.match(/src="([^"]+\.js)"/)?.[1] ?? null;
  if (script(local) !== null && script(local) === script(served)) return apiUrl;

  console.log(
    `# The server serves another build of the dashboard (${script(served) ?? 'none'}); ` +
      `serving this dist/ (${script(local)}) with vite preview in front of it.`,
  );
  const previewPort = await freePort();
  preview = spawn(
    process.execPath,
    [
      path.join(dashboardDir, 'node_modules', 'vite', 'bin', 'vite.js'),
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(previewPort),
      '--strictPort',
    ],
    {
      cwd: dashboardDir,
      env: { ...process.env, TELEMETRA_DEV_SERVER: apiUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${previewPort}`;
  await waitForHealth(url);
  return url;
}

// Never leave the server running, even if the test process dies on an exception.
process.on('exit', () => {
  for (const child of [server, preview]) {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

async function screenshot(name, fullPage = true) {
  if (!page) return;
  // A sticky header would be drawn mid-page in a full-page shot taken while scrolled.
  if (fullPage) await page.evaluate(() => globalThis.scrollTo(0, 0));
  await page.screenshot({ path: path.join(resultsDir, name), fullPage });
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

/** Goes to a hash route of the app without reloading the page. */
async function go(hash) {
  await page.evaluate((h) => {
    globalThis.location.hash = h;
  }, hash);
}

async function connectionState() {
  return page.getByTestId('connection-status').getAttribute('data-state', { timeout: 5000 });
}

/** Counts pixels of the series colour on a chart's canvas. */
async function seriesPixels(testId, rgb) {
  return page.getByTestId(testId).evaluate((el, colour) => {
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
        Math.abs(data[i] - colour[0]) < 40 &&
        Math.abs(data[i + 1] - colour[1]) < 40 &&
        Math.abs(data[i + 2] - colour[2]) < 40;
      if (close) series += 1;
    }
    return { width: canvas.width, height: canvas.height, painted, series };
  }, rgb);
}

// A missing binary is a failure, not a skip: this test exists to prove the two work together.
const missing = [
  !existsSync(serverBin) &&
    `Server binary not found at ${serverBin}. Build it first (cargo build -p telemetra) ` +
      'or point TELEMETRA_BIN at it.',
  !existsSync(chromiumPath) &&
    `Chromium not found at ${chromiumPath}. Install it (apt-get install -y chromium) ` +
      'or point CHROMIUM_PATH at it.',
  !existsSync(distIndex) && 'No dashboard build in dist/: run npm run build first.',
].filter(Boolean);

if (missing.length > 0) {
  it('has the server binary, a browser and a dashboard build', () => {
    assert.fail(missing.join('\n'));
  });
}

describe('dashboard against the real server', { skip: missing.length > 0 }, () => {
  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'telemetra-e2e-'));
    port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    await startServer();
    baseUrl = await dashboardUrl();

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
      // Failed requests while the server is deliberately down are expected noise.
      if (message.type() === 'error' && !/Failed to load resource|WebSocket/.test(message.text()))
        console.error(`[browser] ${message.text()}`);
    });
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  });

  after(async () => {
    try {
      if (page) {
        await page.setViewportSize({ width: 390, height: 844 });
        await sleep(800);
        await page.screenshot({ path: path.join(resultsDir, 'phone.png') });
        await go('#/');
        await sleep(1500);
        await page.screenshot({ path: path.join(resultsDir, 'phone-overview.png') });
      }
    } catch (error) {
      console.error(`Could not take the phone screenshots: ${error}`);
    }
    await browser?.close().catch(() => {});
    await stopServer();
    await stopProcess(preview);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists at least three channels on the overview, each with a viewer sparkline', async () => {
    const rows = page.getByTestId('overview-row');
    const count = await poll(async () => ((await rows.count()) >= 3 ? rows.count() : 0), 20_000);
    assert.ok(count >= 3, `expected ≥ 3 channels on the overview, saw ${await rows.count()}`);
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-channel')));
    assert.ok(
      ids.every((id) => typeof id === 'string' && id.length > 0),
      `every overview row names its channel: ${JSON.stringify(ids)}`,
    );
    // The sparklines come from GET /viewers plus the list's own 2 s refreshes.
    const drawn = await poll(async () => {
      const points = await page
        .getByTestId('sparkline')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-points'))));
      return points.length >= 3 && points.every((n) => n >= 2) ? points : null;
    }, 30_000);
    assert.ok(drawn, 'every overview row should draw a sparkline with at least two points');
    assert.ok((await page.locator('[data-testid="sparkline"] polyline').count()) >= 3);
    await screenshot('overview.png');
  });

  it('opens a channel from the overview and reaches a connected live feed', async () => {
    const first = page.getByTestId('overview-row').first();
    const id = await first.getAttribute('data-channel');
    await first.getByTestId('overview-link').click();
    await page.getByRole('heading', { level: 1, name: id }).waitFor({ timeout: 10_000 });
    assert.ok((await page.getByTestId('channel-item').count()) >= 3, 'channel list in the side');

    const state = await poll(async () => {
      const s = await connectionState();
      return s === 'connected' ? s : null;
    }, 20_000);
    assert.equal(state ?? (await connectionState()), 'connected');
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

    const pixels = await seriesPixels('chat-chart', SERIES_RGB);
    assert.ok(!('error' in pixels), `chart canvas: ${pixels.error}`);
    assert.ok(pixels.width > 0 && pixels.height > 0, 'chart canvas has a size');
    assert.ok(pixels.painted > 0, 'chart canvas is not blank');
    assert.ok(
      pixels.series > 20,
      `expected the series line in the chart, found ${pixels.series} pixels of its colour`,
    );
  });

  it('shows real data in every panel', async () => {
    const words = await poll(async () => {
      const n = await page.getByTestId('emote-word').count();
      return n >= 3 ? n : 0;
    }, 20_000);
    assert.ok(words >= 3, `the emote cloud should have words, found ${words}`);
    const sizes = await page
      .getByTestId('emote-word')
      .evaluateAll((els) =>
        els.map((el) => [
          Number(el.getAttribute('data-count')),
          Number(el.getAttribute('data-size')),
        ]),
      );
    const [mostCount, mostSize] = sizes.reduce((a, b) => (b[0] > a[0] ? b : a));
    assert.ok(
      sizes.every(([count, size]) => count === mostCount || size <= mostSize),
      `a less used emote is never drawn bigger: ${JSON.stringify(sizes)}`,
    );

    const chatters = await poll(async () => {
      const n = await page.getByTestId('chatter-row').count();
      return n >= 3 ? n : 0;
    }, 20_000);
    assert.ok(chatters >= 3, `top chatters should list rows, found ${chatters}`);
    const counts = await page
      .getByTestId('chatter-row')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
      'chatters ranked by messages',
    );

    const total = await poll(async () => {
      const v = Number(await page.getByTestId('revenue-total').getAttribute('data-value'));
      return v > 0 ? v : 0;
    }, 30_000);
    assert.ok(total > 0, `the revenue total should be above 0, got ${total}`);
    const byType = await page
      .getByTestId('revenue-type')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-total'))));
    const sum = byType.reduce((a, b) => a + b, 0);
    const shownTotal = Number(await page.getByTestId('revenue-total').getAttribute('data-value'));
    assert.ok(Math.abs(sum - shownTotal) < 0.01, `by type (${sum}) adds up to ${shownTotal}`);

    const viewerPoints = await poll(async () => {
      const n = Number(await page.getByTestId('viewers-chart').getAttribute('data-points'));
      return n >= 2 ? n : 0;
    }, 20_000);
    assert.ok(viewerPoints >= 2, 'the viewers chart has points');

    const hours = await poll(async () => {
      const v = Number(
        await page.getByTestId('stat-hours').locator('[data-value]').getAttribute('data-value'),
      );
      return v > 0 ? v : 0;
    }, 20_000);
    assert.ok(hours > 0, `hours watched should be above 0, got ${hours}`);
    assert.match((await page.getByTestId('stat-peak').textContent()) ?? '', /\d/);

    // The generator's moderators delete about 1 message in 400 and time out or ban fewer.
    const actions = await poll(async () => {
      const values = await page
        .getByTestId('moderation')
        .locator('dd[data-value]')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-value'))));
      const sum = values.reduce((a, b) => a + b, 0);
      return values.length === 4 && sum > 0 ? sum : 0;
    }, 45_000);
    assert.ok(actions > 0, 'the moderation panel counts moderator actions');
    assert.match(
      (await page.getByTestId('room-modes').textContent()) ?? '',
      /^Chat modes: (none reported|.+)$/,
    );

    // The engine does not score sentiment yet: the panel must say so rather than stay blank.
    const sentiment = page.getByTestId('sentiment-panel');
    const hasChart = (await sentiment.getByTestId('sentiment-chart').count()) > 0;
    const hasEmpty = (await sentiment.getByTestId('sentiment-empty').count()) > 0;
    assert.ok(hasChart || hasEmpty, 'the sentiment panel shows a chart or its empty state');
  });

  it('shows a moment on hover and focuses the charts on it when clicked', async () => {
    const item = page.getByTestId('moment-item').first();
    await item.waitFor({ state: 'visible', timeout: MOMENT_TIMEOUT_MS });
    const markers = await poll(async () => {
      const n = Number(await page.getByTestId('chat-chart').getAttribute('data-markers'));
      return n > 0 ? n : 0;
    }, 10_000);
    assert.ok(markers > 0, 'the moment is marked on the chat chart');

    const time = await item.locator('time').getAttribute('datetime');
    const momentMs = Date.parse(time);

    // Hover the marker: find its x on the plot from the chart's own time range.
    const chart = page.getByTestId('chat-chart');
    const from = Date.parse(await chart.getAttribute('data-from'));
    const to = Date.parse(await chart.getAttribute('data-to'));
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    assert.ok(box, 'the chart has a plot area');
    const x = box.x + (box.width * (momentMs - from)) / (to - from);
    await page.mouse.move(x, box.y + box.height / 2);
    // Charts share the cursor, so the viewers chart shows the same tooltip: check the chat one.
    const tooltip = page
      .getByRole('region', { name: 'Chat rate over time' })
      .getByTestId('chart-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    const description = (await item.locator('.moment-item__description').textContent()) ?? '';
    assert.ok(
      ((await tooltip.textContent()) ?? '').includes(description.trim()),
      'the tooltip describes the hovered moment',
    );
    await page.mouse.move(0, 0);

    await item.getByTestId('moment-focus').click();
    const focused = await poll(async () => {
      const f = Date.parse((await chart.getAttribute('data-from')) ?? '');
      return f === momentMs - 120_000 ? f : null;
    }, 10_000);
    assert.ok(focused, 'the chart starts 2 minutes before the moment');
    const end = Date.parse(await chart.getAttribute('data-to'));
    assert.ok(end > momentMs && end <= momentMs + 180_000, 'and ends after it');
    assert.match(page.url(), /[?&]from=.*&to=/);
    assert.equal(await page.getByTestId('range-custom').getAttribute('aria-pressed'), 'true');
    await page.getByTestId('focus-note').waitFor({ timeout: 10_000 });
    // The focused range is loaded from REST: the chart has its windows.
    const points = await poll(async () => {
      const n = Number(await chart.getAttribute('data-points'));
      return n > 0 ? n : 0;
    }, 10_000);
    assert.ok(points > 0, 'the focused chart has points');
    await screenshot('focused.png');

    await page.getByRole('button', { name: 'Back to live' }).click();
    await poll(
      async () => (await page.getByTestId('range-live').getAttribute('aria-pressed')) === 'true',
      5000,
    );
  });

  it('loads the history of a longer range from REST', async () => {
    const request = page.waitForRequest(
      (r) => {
        if (!r.url().includes('/metrics?')) return false;
        const q = new URL(r.url()).searchParams;
        return Date.parse(q.get('to')) - Date.parse(q.get('from')) === 3_600_000;
      },
      { timeout: 10_000 },
    );
    await page.getByTestId('range-1h').click();
    const sent = await request;
    const response = await sent.response();
    assert.equal(response?.status(), 200, `GET ${sent.url()} answered ${response?.status()}`);
    const chart = page.getByTestId('chat-chart');
    const span = await poll(async () => {
      const s =
        Date.parse(await chart.getAttribute('data-to')) -
        Date.parse(await chart.getAttribute('data-from'));
      return s >= 3_600_000 ? s : 0;
    }, 10_000);
    assert.ok(span >= 3_600_000, 'the chart spans an hour');
    const points = await poll(async () => {
      const n = Number(await chart.getAttribute('data-points'));
      return n >= 2 ? n : 0;
    }, 10_000);
    assert.ok(points >= 2, 'the hour has points');
    assert.match(page.url(), /range=1h/);

    await page.getByTestId('range-live').click();
    // Let every panel reload its live data before the picture.
    await page.getByTestId('emote-word').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('chatter-row').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('revenue-total').waitFor({ timeout: 10_000 });
    await sleep(1500);
    await screenshot('channel.png');
  });

  it('compares several channels on the same axes', async () => {
    await go('#/compare');
    const chat = page.getByTestId('compare-chat-chart');
    await chat.waitFor({ timeout: 10_000 });
    const selected = await page
      .locator('[data-testid="compare-chip"][aria-pressed="true"]')
      .count();
    assert.ok(selected >= 2 && selected <= 4, `2–4 channels chosen, saw ${selected}`);
    for (const id of ['compare-chat-chart', 'compare-viewers-chart']) {
      const n = await poll(async () => {
        const v = Number(await page.getByTestId(id).getAttribute('data-points'));
        return v >= 2 ? v : 0;
      }, 20_000);
      assert.ok(n >= 2, `${id} has points`);
    }
    const series = await chat.locator('.u-legend .u-series').count();
    assert.equal(series, selected + 1, 'one legend entry per channel (plus time)');
    await sleep(1000);
    await screenshot('compare.png');
  });

  it('shows "reconnecting" when the server goes away and resumes when it is back', async () => {
    const channel = await page
      .getByTestId('channel-item')
      .count()
      .catch(() => 0);
    assert.equal(channel, 0, 'on the compare view');
    const first = await page
      .locator('[data-testid="compare-chip"]')
      .first()
      .getAttribute('data-channel');
    await go(`#/channel/${first}`);
    await poll(async () => (await connectionState()) === 'connected', 20_000);
    const pointsBefore = Number(await page.getByTestId('chat-chart').getAttribute('data-points'));

    await stopServer();
    const down = await poll(async () => {
      const s = await connectionState();
      return s === 'reconnecting' || s === 'offline' ? s : null;
    }, 15_000);
    assert.ok(down, `the status should leave "connected" once the server is gone`);
    const label = (await page.getByTestId('connection-status').textContent()) ?? '';
    assert.match(label, /Reconnecting|Offline/);
    await screenshot('reconnecting.png', false);

    await startServer();
    const back = await poll(
      async () => ((await connectionState()) === 'connected' ? true : null),
      30_000,
    );
    assert.ok(back, 'the live feed reconnects after the server is back');

    // After the reconnect the history reloads and live data flows again.
    const viewerCount = page.getByTestId('viewer-count');
    const before = (await viewerCount.textContent())?.trim();
    const moved = await poll(async () => {
      const now = (await viewerCount.textContent())?.trim();
      return now && now !== before ? now : null;
    }, 20_000);
    assert.ok(moved, 'the viewer count moves again after the restart');
    const pointsAfter = await poll(async () => {
      const n = Number(await page.getByTestId('chat-chart').getAttribute('data-points'));
      return n >= pointsBefore ? n : 0;
    }, 20_000);
    assert.ok(
      pointsAfter >= pointsBefore,
      `the chart keeps its history (${pointsBefore} → ${pointsAfter})`,
    );
  });

  it('asks for the API token of a server that wants one, then works with it', async () => {
    // Characters that must be percent-encoded in the WebSocket URL.
    const token = 'e2e+token/0123456789=';
    await stopServer();
    await startServer(['--api-token', token]);
    await page.goto(`${baseUrl}/#/`, { waitUntil: 'domcontentloaded' });
    const prompt = page.getByTestId('token-prompt');
    await prompt.waitFor({ timeout: 15_000 });
    await screenshot('token-prompt.png', false);

    // A wrong token is refused and the prompt says so.
    await page.getByTestId('token-input').fill('not-the-token');
    await page.getByTestId('token-save').click();
    await page.waitForLoadState('domcontentloaded');
    await prompt.waitFor({ timeout: 15_000 });
    assert.match((await prompt.textContent()) ?? '', /refused the saved token/);

    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('token-save').click();
    await page.waitForLoadState('domcontentloaded');
    const rows = page.getByTestId('overview-row');
    const count = await poll(async () => ((await rows.count()) >= 3 ? rows.count() : 0), 20_000);
    assert.ok(count >= 3, 'with the token the overview lists the channels');
    assert.equal(await prompt.count(), 0, 'the prompt is gone');

    // The live socket carries the token too (browsers cannot set headers on WebSockets).
    const first = await rows.first().getAttribute('data-channel');
    await go(`#/channel/${first}`);
    const live = await poll(async () => (await connectionState()) === 'connected', 20_000);
    assert.ok(live, 'the live feed connects with the token');
  });
});
