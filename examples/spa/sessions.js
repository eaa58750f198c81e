// The sessions card: every login of this account (one per device or browser), which one is
// this page's, and ending the others, one or all.
import { el } from "./dom.js";

function when(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toLocaleString();
}

export function sessionsPanel({ api, list, endOthers, refresh, notify, report }) {
  async function load() {
    const sessions = await api.get("/api/sessions/");
    list.replaceChildren(...sessions.map(render));
    endOthers.disabled = !sessions.some((session) => !session.current);
  }

  function render(session) {
    return el(
      "li",
      { dataset: { id: session.id, current: session.current } },
      el(
        "div",
        { className: "title" },
        session.user_agent || "Unknown browser",
        session.current ? el("span", { className: "badge" }, "this device") : null,
      ),
      el("div", { className: "body" }, `${session.client_ip || "unknown address"} · last used ${when(session.last_used_at)}`),
      session.current
        ? null
        : el(
            "div",
            { className: "actions" },
            el("button", { type: "button", onclick: () => end(session) }, "End"),
          ),
    );
  }

  async function end(session) {
    await guarded(async () => {
      await api.delete(`/api/sessions/${encodeURIComponent(session.id)}/`);
      notify("Session ended.");
    });
  }

  // As with tasks: the list is reloaded either way, so it shows what the server holds (unless
  // this session itself has ended meanwhile).
  async function guarded(action) {
    try {
      await action();
    } catch (error) {
      report(error);
    }
    if (api.signedIn) await load().catch(report);
  }

  endOthers.addEventListener("click", () =>
    guarded(async () => {
      const { sessions_ended: ended } = await api.post("/api/sessions/revoke-others/", {});
      notify(`${ended} other session${ended === 1 ? "" : "s"} ended.`);
    }),
  );
  refresh.addEventListener("click", () => load().catch(report));

  return { load };
}
