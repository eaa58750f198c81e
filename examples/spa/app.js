// The page: which view shows, the auth forms, the dashboard, and the posts and tasks cards.
import { ApiClient } from "./api.js";
import { onSubmit } from "./dom.js";
import { postsPanel } from "./posts.js";
import { tasksPanel } from "./tasks.js";

const $ = (selector) => document.querySelector(selector);

function apiBaseUrl() {
  return new URLSearchParams(location.search).get("api") ?? window.SPA_CONFIG?.apiBaseUrl ?? "http://localhost:8080";
}

const api = new ApiClient(apiBaseUrl());

function notify(message) {
  $("#notice").textContent = message;
}

function report(error) {
  notify(error.message);
}

const posts = postsPanel({ api, list: $("#post-list"), form: $("#post-form"), report });
const tasks = tasksPanel({ api, list: $("#task-list"), form: $("#task-form"), report });

function showAuth(message = "") {
  $("#app-view").hidden = true;
  $("#session").hidden = true;
  $("#auth-view").hidden = false;
  $("#post-list").replaceChildren();
  $("#task-list").replaceChildren();
  notify(message);
}

async function showApp() {
  $("#auth-view").hidden = true;
  $("#app-view").hidden = false;
  $("#session").hidden = false;
  notify("");
  try {
    await Promise.all([loadWhoami(), loadGreeting(), posts.load(), tasks.load()]);
  } catch (error) {
    if (api.signedIn) report(error);
  }
}

async function loadWhoami() {
  const me = await api.get("/api/me/");
  $("#whoami").textContent = `Signed in as ${me.username || me.email}`;
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

onSubmit($("#dashboard-form"), async (fields) => {
  $("#dashboard-reply").textContent = (await api.post("/api/dashboard/", fields)).response;
  $("#dashboard-form").reset();
});

// The server ends every other session of this account; this one goes on.
onSubmit($("#password-form"), async (fields) => {
  const { sessions_ended: ended } = await api.post("/api/password/change/", fields);
  $("#password-form").reset();
  notify(`Password changed. ${ended} other session${ended === 1 ? "" : "s"} ended.`);
});

$("#logout").addEventListener("click", async () => {
  try {
    await api.logout();
    showAuth("Logged out.");
  } catch (error) {
    // The server no longer knew the session; locally it is over either way.
    showAuth(`Logged out (${error.message}).`);
  }
});

// A reload keeps the login while the refresh cookie is valid.
if (await api.restoreSession()) await showApp();
else showAuth();
