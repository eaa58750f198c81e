// What the browser tests share: the environment run.sh sets, step logging, polling with a
// deadline, the record of each page's API traffic, and one browser run with its failure report
// (the API exchanges, console lines and a screenshot of every page).
//
// Environment: SPA_URL and API_URL (required), SCREENSHOT (default spa.png), CHROMIUM
// (default /usr/bin/chromium), ACCESS_TTL_SECONDS (the stack's JWT_ACCESS_TTL_SECONDS, default 5).
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { chromium } from "playwright-core";

export const SPA_URL = requiredEnv("SPA_URL");
export const API_URL = requiredEnv("API_URL").replace(/\/+$/, "");
export const SCREENSHOT = process.env.SCREENSHOT ?? "spa.png";
export const ACCESS_TTL_MS = Number(process.env.ACCESS_TTL_SECONDS ?? 5) * 1000;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const OVERALL_TIMEOUT_MS = 120_000;
export const STEP_TIMEOUT_MS = 15_000;

const startedAt = Date.now();

export function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return value;
}

export function step(what) {
  console.log(`[spa-test] ${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);
}

// Polls `probe` until it returns a truthy value; fails with `what` after the deadline.
export async function until(what, probe, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Waits until `locator`'s text contains `expected` (a string or a RegExp); returns the text.
export function untilText(what, locator, expected) {
  const matches = (text) => (expected instanceof RegExp ? expected.test(text) : text.includes(expected));
  return until(`${what} (${expected})`, async () => {
    const text = (await locator.textContent()) ?? "";
    return matches(text) ? text || true : false;
  });
}

// Every API exchange the page makes, for assertions about refreshes and tokens.
export function recordApiTraffic(page) {
  const traffic = { requests: [], responses: [], lastTokenIssuedAt: 0 };
  const apiPath = (url) => (url.startsWith(API_URL) ? new URL(url).pathname : null);
  page.on("request", (request) => {
    const path = apiPath(request.url());
    if (path === null || request.method() === "OPTIONS") return;
    traffic.requests.push({
      method: request.method(),
      path,
      authorization: request.headers().authorization ?? null,
      body: request.postData(),
    });
  });
  page.on("response", (response) => {
    const path = apiPath(response.url());
    if (path === null || response.request().method() === "OPTIONS") return;
    traffic.responses.push({ method: response.request().method(), path, status: response.status() });
    const issuesTokens = ["/api/token/", "/api/token/refresh/", "/api/register/"].includes(path);
    if (issuesTokens && response.ok()) traffic.lastTokenIssuedAt = Date.now();
  });
  return traffic;
}

export const count = (items, method, path) => items.filter((i) => i.method === method && i.path === path).length;

// The bearer token the page sent last.
export function lastBearer(traffic) {
  return traffic.requests.filter((r) => r.authorization).at(-1)?.authorization;
}

// Resolves once the gateway refuses `authorization` (revocations reach it within a second).
export function untilRefused(what, authorization) {
  return until(what, async () => {
    const answer = await fetch(`${API_URL}/api/me/`, { headers: { Authorization: authorization } });
    return answer.status === 401;
  });
}

// Launches Chromium and runs `body({ openPage })`; `openPage(options)` opens a page in a
// browser context of its own (its own cookies: another device) and returns
// { context, page, traffic }. Exit code 0: passed.
export async function runBrowserTest(body) {
  const watchdog = setTimeout(() => {
    console.error(`[spa-test] FAILED: not done after ${OVERALL_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  // Root in CI: Chromium's sandbox needs user namespaces it may not get there.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
    timeout: 30_000,
  });
  const opened = [];
  async function openPage(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const record = { context, page, traffic: recordApiTraffic(page), pageErrors: [], consoleLines: [] };
    page.on("pageerror", (error) => record.pageErrors.push(error.message));
    page.on("console", (message) => record.consoleLines.push(`${message.type()}: ${message.text()}`));
    opened.push(record);
    return record;
  }
  let failed = false;
  try {
    await body({ openPage });
    for (const { pageErrors } of opened) assert.deepEqual(pageErrors, [], "the page threw");
    step("PASSED");
  } catch (error) {
    failed = true;
    console.error(`[spa-test] FAILED: ${error.stack ?? error}`);
    for (const [index, { page, traffic, pageErrors, consoleLines }] of opened.entries()) {
      console.error(`[spa-test] page ${index + 1}, last API exchanges:`);
      for (const r of traffic.responses.slice(-15)) console.error(`  ${r.status} ${r.method} ${r.path}`);
      for (const line of [...pageErrors.map((e) => `pageerror: ${e}`), ...consoleLines.slice(-15)]) {
        console.error(`  ${line}`);
      }
      const suffix = opened.length > 1 ? `-failure-${index + 1}.png` : "-failure.png";
      const failureShot = SCREENSHOT.replace(/(\.png)?$/, suffix);
      await mkdir(dirname(failureShot), { recursive: true });
      await page.screenshot({ path: failureShot, fullPage: true }).catch(() => {});
      console.error(`[spa-test] page ${index + 1} at the failure: ${failureShot}`);
    }
  } finally {
    await browser.close();
    clearTimeout(watchdog);
  }
  process.exitCode = failed ? 1 : 0;
}

export async function screenshot(page) {
  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  step(`screenshot saved to ${SCREENSHOT}`);
}
