// The account lifecycle in the reference SPA, against the stack run.sh started: one user on
// two devices (two browser contexts, so two sessions), the sessions card ending one and then
// all others, a password reset through the mailed link, the profile with an email change
// confirmed through its link, and deleting the account. Each step checks what the page shows.
// Exit code 0: passed. Environment: see harness.mjs, and AUTH_LOG (mail.mjs).
import assert from "node:assert/strict";
import { SPA_URL, lastBearer, runBrowserTest, screenshot, step, untilRefused, untilText } from "./harness.mjs";
import { linkIn, mailCount, nextMail } from "./mail.mjs";

const stamp = Date.now().toString(36);
const user = {
  username: `lifecycle_${stamp}`,
  email: `lifecycle_${stamp}@example.com`,
  password: "correct-horse-battery-9",
  newPassword: "staple-battery-horse-7",
  newEmail: `moved_${stamp}@example.org`,
};
const LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) SpaTest laptop";
const PHONE = "Mozilla/5.0 (Linux; Android 14) SpaTest phone";
const SPA_ORIGIN = new URL(SPA_URL).origin;

// The parts of the page the steps use.
function spa({ page, traffic }) {
  const app = page.locator("#app-view");
  return {
    page,
    traffic,
    notice: page.locator("#notice"),
    authView: page.locator("#auth-view"),
    appView: app,
    login: page.locator("#login-form"),
    register: page.locator("#register-form"),
    forgot: page.locator("#forgot-form"),
    reset: page.locator("#reset-form"),
    profile: page.locator("#profile"),
    sessions: page.locator("#sessions"),
    sessionItems: page.locator("#session-list li"),
    deleteForm: page.locator("#delete-form"),
    errorOf: (form, field) => form.locator(`[data-error-for="${field}"]`),
  };
}

// A link opened from a mail: the page loads from scratch (the same URL but for the hash would
// only be a hash change).
async function openFresh(ui, link) {
  await ui.page.goto("about:blank");
  await ui.page.goto(link);
}

async function logIn(ui, identifier, password) {
  await ui.login.getByLabel("Username or email").fill(identifier);
  await ui.login.getByLabel("Password").fill(password);
  await ui.login.getByRole("button", { name: "Log in" }).click();
  await ui.appView.waitFor();
  await untilText("the who-am-i line", ui.page.locator("#whoami"), user.username);
}

async function loginRefused(ui, identifier, password) {
  await ui.login.getByLabel("Username or email").fill(identifier);
  await ui.login.getByLabel("Password").fill(password);
  await ui.login.getByRole("button", { name: "Log in" }).click();
  await untilText("the login error", ui.errorOf(ui.login, "form"), /\S/);
  assert.ok(await ui.appView.isHidden(), "a refused login shows the app");
}

async function registerAndLogInTwice(laptop, phone) {
  step("laptop: register (logged in); phone: log in as the same user");
  await laptop.page.goto(SPA_URL);
  await laptop.register.getByLabel("Username").fill(user.username);
  await laptop.register.getByLabel("Email").fill(user.email);
  await laptop.register.getByLabel("Password", { exact: true }).fill(user.password);
  await laptop.register.getByLabel("Repeat password").fill(user.password);
  await laptop.register.getByRole("button", { name: "Register" }).click();
  await laptop.appView.waitFor();
  await phone.page.goto(SPA_URL);
  await logIn(phone, user.username, user.password);
}

async function endOneSession(laptop, phone) {
  step("sessions: the laptop lists both, with 'this device' once, and ends the phone's");
  await laptop.sessions.getByRole("button", { name: "Refresh" }).click();
  const phoneItem = laptop.sessionItems.filter({ hasText: "SpaTest phone" });
  await phoneItem.waitFor();
  assert.ok((await laptop.sessionItems.count()) >= 2, "fewer than two sessions listed");
  const thisDevice = laptop.sessionItems.filter({ hasText: "this device" });
  assert.equal(await thisDevice.count(), 1, "'this device' is not shown exactly once");
  assert.match(await thisDevice.textContent(), /SpaTest laptop/);
  assert.match(await phoneItem.textContent(), /127\.0\.0\.1 · last used /);
  assert.equal(await thisDevice.getByRole("button", { name: "End" }).count(), 0, "this device can be ended");
  const phoneBearer = lastBearer(phone.traffic);
  await phoneItem.getByRole("button", { name: "End" }).click();
  await phoneItem.waitFor({ state: "detached" });
  await untilText("the notice", laptop.notice, "Session ended.");

  step("phone: its next API call fails and it lands on the login form");
  await untilRefused("the phone's access token to be refused", phoneBearer);
  await phone.sessions.getByRole("button", { name: "Refresh" }).click();
  await phone.login.waitFor();
  await untilText("the phone's notice", phone.notice, "Your session has ended. Please log in again.");
  assert.ok(await phone.appView.isHidden());
}

async function endAllOtherSessions(laptop, phone) {
  step("sessions: the phone logs in again; the laptop ends all other sessions");
  await logIn(phone, user.email, user.password);
  await laptop.sessions.getByRole("button", { name: "Refresh" }).click();
  await laptop.sessionItems.filter({ hasText: "SpaTest phone" }).waitFor();
  await laptop.sessions.getByRole("button", { name: "End all other sessions" }).click();
  await untilText("the notice", laptop.notice, /^\d+ other sessions? ended\.$/);
  await laptop.sessionItems.filter({ hasText: "SpaTest phone" }).waitFor({ state: "detached" });
  assert.equal(await laptop.sessionItems.count(), 1);
  assert.match(await laptop.sessionItems.textContent(), /this device/);
  assert.ok(await laptop.sessions.getByRole("button", { name: "End all other sessions" }).isDisabled());

  step("phone: a reload cannot refresh any more and shows the login form");
  await untilRefused("the phone's access token to be refused", lastBearer(phone.traffic));
  await phone.page.reload();
  await phone.login.waitFor();
  assert.ok(await phone.appView.isHidden());
}

async function resetPassword(laptop, phone) {
  step("phone, logged out: forgot password");
  const subject = "Reset your password";
  const seen = await mailCount(user.email, subject);
  await phone.forgot.getByLabel("Email").fill(user.email);
  await phone.forgot.getByRole("button", { name: "Send reset link" }).click();
  await untilText("the reset request's answer", phone.notice, /password reset link has been sent/);

  step("the mailed link opens the reset page");
  const link = linkIn(await nextMail(user.email, subject, seen));
  assert.ok(link.startsWith(`${SPA_ORIGIN}/`) && link.includes("#reset?"), `unexpected link ${link}`);
  await openFresh(phone, link);
  await phone.reset.waitFor();
  assert.ok(await phone.authView.isHidden());

  step("reset: a too short password is refused next to its field, then a good one is set");
  await phone.reset.getByLabel("New password", { exact: true }).fill("short");
  await phone.reset.getByLabel("Repeat new password").fill("short");
  await phone.reset.getByRole("button", { name: "Set new password" }).click();
  await untilText("the new-password error", phone.errorOf(phone.reset, "new_password"), "too short");
  await phone.reset.getByLabel("New password", { exact: true }).fill(user.newPassword);
  await phone.reset.getByLabel("Repeat new password").fill(user.newPassword);
  await phone.reset.getByRole("button", { name: "Set new password" }).click();
  await phone.login.waitFor();
  await untilText("the reset confirmation", phone.notice, "Password has been reset. Log in with your new password.");
  assert.ok(!phone.page.url().includes("token="), "the token stayed in the address bar");

  step("the laptop's session ended with the reset");
  await untilRefused("the laptop's access token to be refused", lastBearer(laptop.traffic));
  await laptop.page.reload();
  await laptop.login.waitFor();

  step("the used link, pasted into the open page (a hash change), is refused on the reset page");
  await phone.page.goto(link);
  await phone.reset.waitFor();
  await phone.reset.getByLabel("New password", { exact: true }).fill("another-fine-password-3");
  await phone.reset.getByLabel("Repeat new password").fill("another-fine-password-3");
  await phone.reset.getByRole("button", { name: "Set new password" }).click();
  await untilText("the token error", phone.errorOf(phone.reset, "form"), /\S/);
  await phone.reset.getByRole("button", { name: "Back to log in" }).click();
  await phone.login.waitFor();

  step("the old password fails, the new one logs in");
  await loginRefused(phone, user.username, user.password);
  await logIn(phone, user.username, user.newPassword);
}

async function editProfile(phone) {
  const field = (name) => phone.profile.locator(`dd[data-field="${name}"]`);
  const form = phone.profile.locator("#profile-form");
  step("profile: shows the account, a new name is saved and shown");
  await untilText("the profile's username", field("username"), user.username);
  assert.equal(await field("email").textContent(), user.email);
  await form.getByLabel("Name", { exact: true }).fill("Ada Lovelace");
  await form.getByRole("button", { name: "Save profile" }).click();
  await untilText("the saved name", field("name"), "Ada Lovelace");
  await untilText("the notice", phone.notice, "Profile saved.");

  step("profile: a new email waits for verification");
  const subject = "Confirm your new email address";
  const seen = await mailCount(user.newEmail, subject);
  await form.getByLabel("Email").fill(user.newEmail);
  await form.getByRole("button", { name: "Save profile" }).click();
  const pending = phone.profile.locator('[data-field="pending_email"]');
  await untilText("the pending email", pending, `Waiting for verification: ${user.newEmail}`);
  assert.equal(await field("email").textContent(), user.email, "the new email applied before its link");
  await untilText("the notice", phone.notice, `A confirmation link was sent to ${user.newEmail}.`);
  await screenshot(phone.page);

  step("the link mailed to the new address confirms it");
  const link = linkIn(await nextMail(user.newEmail, subject, seen));
  assert.ok(link.startsWith(`${SPA_ORIGIN}/`) && link.includes("#verify-email?"), `unexpected link ${link}`);
  await openFresh(phone, link);
  await phone.appView.waitFor();
  await untilText("the verification notice", phone.notice, "Email address verified.");
  await untilText("the new email", field("email"), user.newEmail);
  assert.ok(await pending.isHidden(), "the pending email is still shown");
  assert.equal(await field("name").textContent(), "Ada Lovelace");
}

async function deleteAccount(phone) {
  const form = phone.deleteForm;
  step("delete account: a wrong password is refused next to its field, still logged in");
  await form.getByLabel("Your password").fill("not-the-password");
  await form.getByRole("button", { name: "Delete account" }).click();
  await untilText("the password error", phone.errorOf(form, "current_password"), "Invalid password.");
  assert.ok(await phone.appView.isVisible(), "a refused deletion left the app");

  step("delete account: the right password deletes it and logs out");
  await form.getByLabel("Your password").fill(user.newPassword);
  await form.getByRole("button", { name: "Delete account" }).click();
  await phone.login.waitFor();
  await untilText("the deletion notice", phone.notice, "Your account has been deleted.");

  step("the deleted account cannot log in");
  await loginRefused(phone, user.username, user.newPassword);
  await loginRefused(phone, user.newEmail, user.newPassword);
}

await runBrowserTest(async ({ openPage }) => {
  const laptop = spa(await openPage({ userAgent: LAPTOP }));
  const phone = spa(await openPage({ userAgent: PHONE }));
  await registerAndLogInTwice(laptop, phone);
  await endOneSession(laptop, phone);
  await endAllOtherSessions(laptop, phone);
  await resetPassword(laptop, phone);
  await editProfile(phone);
  await deleteAccount(phone);
});
