// Drives the reference SPA (examples/spa) in headless Chromium against the real stack that
// run.sh started: register, log in, posts, tasks, dashboard, a token refresh forced by
// expiry, reload, logout. Exit code 0: passed.
//
// Environment: SPA_URL and API_URL (required), SCREENSHOT (default spa.png), CHROMIUM
// (default /usr/bin/chromium), ACCESS_TTL_SECONDS (the stack's JWT_ACCESS_TTL_SECONDS, default 5).
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { chromium } from "playwright-core";

const SPA_URL = requiredEnv("SPA_URL");
const API_URL = requiredEnv("API_URL").replace(/\/+$/, "");
const SCREENSHOT = process.env.SCREENSHOT ?? "spa.png";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ACCESS_TTL_MS = Number(process.env.ACCESS_TTL_SECONDS ?? 5) * 1000;
const OVERALL_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 15_000;

const startedAt = Date.now();

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return value;
}

function step(what) {
  console.log(`[spa-test] ${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);
}

// Polls `probe` until it returns a truthy value; fails with `what` after the deadline.
async function until(what, probe, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Every API exchange the page makes, for assertions about refreshes and tokens.
function recordApiTraffic(page) {
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

const count = (items, method, path) => items.filter((i) => i.method === method && i.path === path).length;

async function run(page, context, traffic) {
  const stamp = Date.now().toString(36);
  const username = `browser_${stamp}`;
  const password = "correct-horse-battery-9";
  const register = page.locator("#register-form");
  const login = page.locator("#login-form");
  const appView = page.locator("#app-view");
  const greeting = page.locator("#greeting");
  const postItem = (title) => page.locator("#post-list li", { hasText: title });
  const taskItem = (title) => page.locator("#task-list li", { hasText: title });

  step(`open ${SPA_URL}`);
  await page.goto(SPA_URL);
  await login.waitFor(); // no refresh cookie yet: the login form shows

  step("register: a too short password is refused next to its field");
  await register.getByLabel("Username").fill(username);
  await register.getByLabel("Email").fill(`${username}@example.com`);
  await register.getByLabel("Password", { exact: true }).fill("short");
  await register.getByLabel("Repeat password").fill("short");
  await register.getByRole("button", { name: "Register" }).click();
  const passwordError = register.locator('[data-error-for="password"]');
  await until("the password field error", async () => (await passwordError.textContent()).includes("too short"));

  step("register: accepted, logged in");
  await register.getByLabel("Password", { exact: true }).fill(password);
  await register.getByLabel("Repeat password").fill(password);
  await register.getByRole("button", { name: "Register" }).click();
  await appView.waitFor();
  await until("the dashboard greeting", async () => (await greeting.textContent()).includes(`Hey ${username}`));

  step("log out, then a wrong password, then log in");
  await page.locator("#logout").click();
  await login.waitFor();
  await login.getByLabel("Username or email").fill(username);
  await login.getByLabel("Password").fill("not-the-password");
  await login.getByRole("button", { name: "Log in" }).click();
  const loginError = login.locator('[data-error-for="form"]');
  await until("the login error", async () => (await loginError.textContent()).length > 0);
  await login.getByLabel("Password").fill(password);
  await login.getByRole("button", { name: "Log in" }).click();
  await appView.waitFor();
  await until("the greeting after login", async () => (await greeting.textContent()).includes(`Hey ${username}`));
  await until("the who-am-i line", async () => (await page.locator("#whoami").textContent()).includes(username));

  step("posts: a blank title is refused, create two, edit one, delete one");
  const postForm = page.locator("#post-form");
  await postForm.getByRole("button", { name: "Add post" }).click();
  await until("the title field error", async () => (await postForm.locator('[data-error-for="title"]').textContent()).length > 0);
  for (const [title, content] of [["First post", "Hello from the browser"], ["Second post", "To be deleted"]]) {
    await postForm.getByLabel("Title").fill(title);
    await postForm.getByLabel("Content").fill(content);
    await postForm.getByRole("button", { name: "Add post" }).click();
    await postItem(title).waitFor();
  }
  await postItem("First post").getByRole("button", { name: "Edit" }).click();
  const editor = page.locator("#post-list form.editor");
  await editor.getByLabel("Title").fill("First post, edited");
  await editor.getByRole("button", { name: "Save" }).click();
  await postItem("First post, edited").waitFor();
  await postItem("Second post").getByRole("button", { name: "Delete" }).click();
  await postItem("Second post").waitFor({ state: "detached" });

  step("tasks: create, move through the statuses, delete another");
  const taskForm = page.locator("#task-form");
  for (const [title, description] of [["Write the browser test", "playwright-core + chromium"], ["Throwaway task", ""]]) {
    await taskForm.getByLabel("Title").fill(title);
    await taskForm.getByLabel("Description").fill(description);
    await taskForm.getByRole("button", { name: "Add task" }).click();
    await taskItem(title).waitFor();
  }
  const task = taskItem("Write the browser test");
  assert.equal(await task.getAttribute("data-status"), "pending");
  for (const status of ["in-progress", "completed"]) {
    await task.getByLabel("Status").selectOption(status);
    // The list is reloaded from the server after the change, so this is the stored status.
    await until(`task status ${status}`, async () => (await task.getAttribute("data-status")) === status);
  }
  await taskItem("Throwaway task").getByRole("button", { name: "Delete" }).click();
  await taskItem("Throwaway task").waitFor({ state: "detached" });

  step("dashboard: post a text");
  await page.locator("#dashboard-form").getByLabel("Say something").fill("hello");
  await page.locator("#dashboard-form").getByRole("button", { name: "Send" }).click();
  await until("the dashboard reply", async () =>
    (await page.locator("#dashboard-reply").textContent()).includes("your text is hello"));

  const waitMs = traffic.lastTokenIssuedAt + ACCESS_TTL_MS + 1000 - Date.now();
  step(`wait ${Math.max(0, waitMs)} ms for the access token to expire`);
  if (waitMs > 0) await page.waitForTimeout(waitMs); // deliberate: the token must expire
  const refreshesBefore = count(traffic.requests, "POST", "/api/token/refresh/");
  const refusedBefore = traffic.responses.filter((r) => r.status === 401).length;
  await postForm.getByLabel("Title").fill("Written after expiry");
  await postForm.getByLabel("Content").fill("The app refreshed its access token on its own.");
  await postForm.getByRole("button", { name: "Add post" }).click();
  await postItem("Written after expiry").waitFor();
  assert.ok(count(traffic.requests, "POST", "/api/token/refresh/") > refreshesBefore, "no refresh was made");
  assert.ok(traffic.responses.filter((r) => r.status === 401).length > refusedBefore, "the expired token was not refused");
  assert.ok(await login.isHidden(), "the app asked to log in again");
  const refreshes = traffic.requests.filter((r) => r.path === "/api/token/refresh/");
  assert.ok(refreshes.every((r) => r.body === "{}"), "a refresh sent a token in its body");
  assert.ok(
    traffic.responses.some((r) => r.path === "/api/token/refresh/" && r.status === 200),
    "no refresh succeeded",
  );

  step("the refresh token is an HttpOnly cookie, and nothing is kept in storage");
  const refreshCookie = (await context.cookies(API_URL)).find((c) => c.name === "refresh_token");
  assert.ok(refreshCookie, "no refresh_token cookie");
  assert.equal(refreshCookie.httpOnly, true);
  assert.equal(refreshCookie.sameSite, "Strict");
  const pageState = await page.evaluate(() => ({
    cookies: document.cookie,
    stored: localStorage.length + sessionStorage.length,
  }));
  assert.ok(!pageState.cookies.includes("refresh_token"), "the page can read the refresh token");
  assert.equal(pageState.stored, 0, "the page stored something in web storage");

  step("reload: the session comes back from the cookie");
  await page.reload();
  await appView.waitFor();
  await postItem("First post, edited").waitFor();
  await until("the greeting after reload", async () => (await greeting.textContent()).includes(`Hey ${username}`));

  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  step(`screenshot saved to ${SCREENSHOT}`);

  step("change password: a wrong current password is refused next to its field, then changed");
  const passwordForm = page.locator("#password-form");
  const newPassword = "staple-battery-horse-7";
  await passwordForm.getByLabel("Current password").fill("not-the-password");
  await passwordForm.getByLabel("New password", { exact: true }).fill(newPassword);
  await passwordForm.getByLabel("Repeat new password").fill(newPassword);
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await until("the current-password error", async () =>
    (await passwordForm.locator('[data-error-for="current_password"]').textContent()).includes("Invalid password."));
  await passwordForm.getByLabel("Current password").fill(password);
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await until("the change to be confirmed", async () =>
    (await page.locator("#notice").textContent()).startsWith("Password changed."));
  assert.ok(await appView.isVisible(), "changing the password ended this session");

  step("log out: the session ends on the server too");
  const lastBearer = traffic.requests.filter((r) => r.authorization).at(-1).authorization;
  await page.locator("#logout").click();
  await login.waitFor();
  assert.ok(
    traffic.responses.some((r) => r.path === "/api/logout/" && r.status === 200),
    "logout was not accepted",
  );
  const cookiesAfter = await context.cookies(API_URL);
  assert.ok(!cookiesAfter.some((c) => c.name === "refresh_token"), "the refresh cookie survived logout");
  // The gateway learns of the revocation over Redis, within a second.
  await until("the old access token to be refused", async () => {
    const answer = await fetch(`${API_URL}/api/me/`, { headers: { Authorization: lastBearer } });
    return answer.status === 401;
  });
  await page.reload();
  await login.waitFor();
  assert.ok(await appView.isHidden(), "a reload after logout shows the app");

  step("only the new password logs in");
  await login.getByLabel("Username or email").fill(username);
  await login.getByLabel("Password").fill(password);
  await login.getByRole("button", { name: "Log in" }).click();
  await until("the old password to be refused", async () =>
    (await login.locator('[data-error-for="form"]').textContent()).length > 0);
  await login.getByLabel("Password").fill(newPassword);
  await login.getByRole("button", { name: "Log in" }).click();
  await appView.waitFor();
}

async function main() {
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
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  const consoleLines = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  const traffic = recordApiTraffic(page);
  let failed = false;
  try {
    await run(page, context, traffic);
    assert.deepEqual(pageErrors, [], "the page threw");
    step("PASSED");
  } catch (error) {
    failed = true;
    console.error(`[spa-test] FAILED: ${error.stack ?? error}`);
    console.error("[spa-test] last API exchanges:");
    for (const r of traffic.responses.slice(-15)) console.error(`  ${r.status} ${r.method} ${r.path}`);
    for (const line of [...pageErrors.map((e) => `pageerror: ${e}`), ...consoleLines.slice(-15)]) {
      console.error(`  ${line}`);
    }
    const failureShot = SCREENSHOT.replace(/(\.png)?$/, "-failure.png");
    await mkdir(dirname(failureShot), { recursive: true });
    await page.screenshot({ path: failureShot, fullPage: true }).catch(() => {});
    console.error(`[spa-test] page at the failure: ${failureShot}`);
  } finally {
    await browser.close();
    clearTimeout(watchdog);
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
