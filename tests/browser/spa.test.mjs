// Drives the reference SPA (examples/spa) in headless Chromium against the real stack that
// run.sh started: register, log in, posts, tasks, dashboard, a token refresh forced by
// expiry, reload, change password, logout. Exit code 0: passed. Environment: see harness.mjs.
import assert from "node:assert/strict";
import {
  ACCESS_TTL_MS,
  API_URL,
  SPA_URL,
  count,
  lastBearer,
  runBrowserTest,
  screenshot,
  step,
  until,
  untilRefused,
} from "./harness.mjs";

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

  await screenshot(page);

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
  const bearer = lastBearer(traffic);
  await page.locator("#logout").click();
  await login.waitFor();
  assert.ok(
    traffic.responses.some((r) => r.path === "/api/logout/" && r.status === 200),
    "logout was not accepted",
  );
  const cookiesAfter = await context.cookies(API_URL);
  assert.ok(!cookiesAfter.some((c) => c.name === "refresh_token"), "the refresh cookie survived logout");
  // The gateway learns of the revocation over Redis, within a second.
  await untilRefused("the old access token to be refused", bearer);
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

await runBrowserTest(async ({ openPage }) => {
  const { page, context, traffic } = await openPage();
  await run(page, context, traffic);
});
