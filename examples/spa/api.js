// The gateway client. Browser-safe token handling (API.md, "Browser clients"):
// - the refresh token lives only in the gateway's HttpOnly cookie; this code never sees it,
//   and ignores the `refresh` field answers still carry for older clients;
// - the access token lives only in memory (a reload restores it from the cookie);
// - every state-changing request echoes the CSRF token, since the cookies ride along.

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body; // DRF shape: {"field": ["message"]} or {"detail": "..."}
  }
}

function describe(status, body) {
  if (body && typeof body.detail === "string") return body.detail;
  if (status === 0) return "The API cannot be reached.";
  // Field errors, for places with no field to show them next to (a link's token).
  const messages = body && typeof body === "object" ? Object.values(body).flat() : [];
  if (messages.length > 0 && messages.every((m) => typeof m === "string")) return messages.join(" ");
  return `Request failed (HTTP ${status}).`;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiClient {
  #baseUrl;
  #accessToken = null;
  #csrfToken = null; // a promise of the token
  #refreshing = null; // one refresh at a time: parallel 401s share it
  onSessionEnded = () => {};

  constructor(baseUrl) {
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
  }

  get signedIn() {
    return this.#accessToken !== null;
  }

  // Registering logs in when the server's policy allows it (the answer carries `access`).
  async register(fields) {
    const body = await this.#send("POST", "/api/register/", fields, { authenticated: false });
    this.#accessToken = body.access ?? null;
    return body;
  }

  async login(identifier, password) {
    const field = identifier.includes("@") ? "email" : "username";
    const body = await this.#send("POST", "/api/token/", { [field]: identifier, password }, { authenticated: false });
    this.#accessToken = body.access;
  }

  // After a reload: a valid refresh cookie means still logged in.
  restoreSession() {
    return this.#refresh();
  }

  // Ends the whole login session on the server (the refresh cookie names it) and here.
  async logout() {
    try {
      await this.#send("POST", "/api/logout/", {}, { retryExpired: false });
    } finally {
      this.#accessToken = null;
    }
  }

  // A reset ends every session of the account, one this page may hold included.
  async resetPassword(fields) {
    const body = await this.#send("POST", "/api/password/reset/confirm/", fields, { authenticated: false });
    this.#accessToken = null;
    return body;
  }

  // Deleting the account ends every session, this one too (the gateway clears the cookie).
  async deleteAccount(currentPassword) {
    await this.#send("DELETE", "/api/me/", { current_password: currentPassword });
    this.#accessToken = null;
  }

  get(path) {
    return this.#send("GET", path);
  }
  post(path, body) {
    return this.#send("POST", path, body);
  }
  put(path, body) {
    return this.#send("PUT", path, body);
  }
  patch(path, body) {
    return this.#send("PATCH", path, body);
  }
  delete(path, body) {
    return this.#send("DELETE", path, body);
  }

  async #send(method, path, body, { authenticated = true, retryExpired = true, retryCsrf = true } = {}) {
    const tokenSent = this.#accessToken;
    const { status, data } = await this.#fetch(method, path, body, authenticated);
    if (status === 401 && authenticated && retryExpired && data?.code === "token_not_valid") {
      // A parallel request may have refreshed already while this one was under way.
      const renewed = this.#accessToken !== null && this.#accessToken !== tokenSent;
      if (renewed || (await this.#refresh())) {
        return this.#send(method, path, body, { authenticated, retryExpired: false });
      }
      this.onSessionEnded();
    }
    // The csrftoken cookie can be cleared or expire while the page stays open.
    if (status === 403 && retryCsrf && /CSRF/.test(data?.detail ?? "")) {
      this.#csrfToken = null;
      return this.#send(method, path, body, { authenticated, retryExpired, retryCsrf: false });
    }
    if (status < 200 || status >= 300) throw new ApiError(status, data);
    return data;
  }

  async #fetch(method, path, body, authenticated) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (STATE_CHANGING.has(method)) headers["X-CSRF-Token"] = await this.#csrf();
    if (authenticated && this.#accessToken) headers.Authorization = `Bearer ${this.#accessToken}`;
    let response;
    try {
      response = await fetch(this.#baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "include", // the refresh and CSRF cookies
      });
    } catch {
      return { status: 0, data: null };
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { detail: text };
    }
    return { status: response.status, data };
  }

  // The CSRF token comes from the answer body: this page's origin differs from the API's, so
  // document.cookie is not a reliable place to read the gateway's cookie. Fetched once and
  // shared: a second fetch would replace the cookie under a request already holding the first.
  #csrf() {
    this.#csrfToken ??= this.#fetch("GET", "/auth/csrf/", undefined, false).then(({ status, data }) => {
      if (status !== 200) {
        this.#csrfToken = null;
        throw new ApiError(status, data);
      }
      return data.csrfToken;
    });
    return this.#csrfToken;
  }

  // The cookie carries the refresh token; the body stays empty on purpose.
  #refresh() {
    this.#refreshing ??= this.#send("POST", "/api/token/refresh/", {}, { authenticated: false })
      .then(
        (body) => {
          this.#accessToken = body.access;
          return true;
        },
        () => {
          this.#accessToken = null;
          return false;
        },
      )
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }
}
