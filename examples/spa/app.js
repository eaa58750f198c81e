// The page: which view shows, the auth forms, the dashboard, and the cards of the app view.
import { deleteAccountForm, profilePanel } from "./account.js";
import { ApiClient } from "./api.js";
import { onSubmit } from "./dom.js";
import { postsPanel } from "./posts.js";
import { forgotPasswordForm, resetPage } from "./reset.js";
import { currentRoute, leaveRoute } from "./routes.js";
import { sessionsPanel } from "./sessions.js";
import { tasksPanel } from "./tasks.js";
import { verifyEmail } from "./verify.js";

const $ = (selector) => document.querySelector(selector);

function apiBaseUrl() {
  return new URLSearchParams(location.search).get("api") ?? window.SPA_CONFIG?.apiBaseUrl ?? "http://localhost:8080";
}

const api = new ApiClient(apiBaseUrl());

function notify(message) {
  $("#notice").textContent = message;
}

// Errors of list actions. Once the session has ended, the login form says so instead.
function report(error) {
  if (api.signedIn) notify(error.message);
}

const posts = postsPanel({ api, list: $("#post-list"), form: $("#post-form"), report });
const tasks = tasksPanel({ api, list: $("#task-list"), form: $("#task-form"), report });
const profile = profilePanel({
  api,
  card: $("#profile"),
  form: $("#profile-form"),
  notify,
  onLoaded: (me) => {
    $("#whoami").textContent = `Signed in as ${me.username || me.email}`;
  },
});
const sessions = sessionsPanel({
  api,
  list: $("#session-list"),
  endOthers: $("#end-other-sessions"),
  refresh: $("#sessions-refresh"),
  notify,
  report,
});
const reset = resetPage({
  api,
  form: $("#reset-form"),
  // After a reset every session of that account has ended, so this is the login form, unless
  // the page holds another account's session.
  onDone: (message) => {
    leaveRoute();
    return showHome(message);
  },
});

const VIEWS = ["#auth-view", "#app-view", "#reset-view", "#verify-view"];

function showView(view) {
  for (const selector of VIEWS) $(selector).hidden = selector !== view;
  $("#session").hidden = view !== "#app-view";
}

function showAuth(message = "") {
  showView("#auth-view");
  for (const list of ["#post-list", "#task-list", "#session-list"]) $(list).replaceChildren();
  notify(message);
}

async function showApp(message = "") {
  showView("#app-view");
  notify(message);
  try {
    await Promise.all([profile.load(), loadGreeting(), posts.load(), tasks.load(), sessions.load()]);
  } catch (error) {
    report(error);
  }
}

async function loadGreeting() {
  $("#greeting").textContent = (await api.get("/api/dashboard/")).response;
}

// Refreshing failed (the session was ended elsewhere, or expired): back to the login form.
api.onSessionEnded = () => showAuth("Your session has ended. Please log in again.");

onSubmit(
  $("#login-form"),
  async ({ identifier = "", password }) => {
    await api.login(identifier, password);
    $("#login-form").reset();
    await showApp();
  },
  { username: "identifier", email: "identifier" },
);

onSubmit($("#register-form"), async (fields) => {
  await api.register(fields);
  $("#register-form").reset();
  if (api.signedIn) return showApp();
  // The server's policy did not log the new account in (e.g. its email must be verified first).
  notify("Account created. Log in to continue.");
});

forgotPasswordForm({ api, form: $("#forgot-form"), notify });

onSubmit($("#dashboard-form"), async (fields) => {
  $("#dashboard-reply").textContent = (await api.post("/api/dashboard/", fields)).response;
  $("#dashboard-form").reset();
});

// The server ends every other session of this account; this one goes on.
onSubmit($("#password-form"), async (fields) => {
  const { sessions_ended: ended } = await api.post("/api/password/change/", fields);
  $("#password-form").reset();
  notify(`Password changed. ${ended} other session${ended === 1 ? "" : "s"} ended.`);
  await sessions.load().catch(report);
});

deleteAccountForm({ api, form: $("#delete-form"), onDeleted: () => showAuth("Your account has been deleted.") });

$("#logout").addEventListener("click", async () => {
  try {
    await api.logout();
    showAuth("Logged out.");
  } catch (error) {
    // The server no longer knew the session; locally it is over either way.
    showAuth(`Logged out (${error.message}).`);
  }
});

// The ordinary page: the app while the refresh cookie is valid (a reload keeps the login),
// else the login form.
async function showHome(message = "") {
  if (api.signedIn || (await api.restoreSession())) await showApp(message);
  else showAuth(message);
}

// A mailed link's page, or the ordinary one. Also on a hash change: a link pasted into this tab.
async function route() {
  const { name, params } = currentRoute();
  if (name === "reset") {
    reset.open(params);
    showView("#reset-view");
    notify("");
  } else if (name === "verify-email") {
    showView("#verify-view");
    notify("");
    const message = await verifyEmail({ api, params, status: $("#verify-status") });
    leaveRoute();
    await showHome(message);
  } else {
    await showHome();
  }
}

window.addEventListener("hashchange", route);
await route();
