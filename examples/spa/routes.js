// Hash routes, the pages mailed links open (the auth service's PASSWORD_RESET_URL and
// EMAIL_VERIFICATION_URL point here): #reset?uid=…&token=…, #verify-email?token=…
// Everything else is the ordinary page: the app when logged in, else the login form.

export function currentRoute() {
  const hash = location.hash.replace(/^#/, "");
  const at = hash.indexOf("?");
  const name = at < 0 ? hash : hash.slice(0, at);
  return { name, params: new URLSearchParams(at < 0 ? "" : hash.slice(at + 1)) };
}

// Drops the route, and the token it carried, from the address bar and the history entry.
export function leaveRoute() {
  history.replaceState(null, "", location.pathname + location.search);
}
