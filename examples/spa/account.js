// The account cards: the profile (name, username, email, and a new email waiting for its
// link) and deleting the account.
import { onSubmit } from "./dom.js";

const PROFILE_FIELDS = ["name", "username", "email"];

// `onLoaded(me)` hears of every profile the server answers (the header shows who is in).
export function profilePanel({ api, card, form, notify, onLoaded }) {
  let current = null;

  function show(me) {
    current = me;
    for (const field of PROFILE_FIELDS) {
      card.querySelector(`[data-field="${field}"]`).textContent = me[field] || "—";
      form.querySelector(`[name="${field}"]`).value = me[field];
    }
    const pending = card.querySelector('[data-field="pending_email"]');
    pending.hidden = !me.pending_email;
    pending.textContent = me.pending_email ? `Waiting for verification: ${me.pending_email}` : "";
    onLoaded(me);
  }

  async function load() {
    show(await api.get("/api/me/"));
  }

  // Only what changed is sent: an unchanged email must not start a new verification.
  // An emptied field is sent as "" (formFields leaves empty ones out).
  onSubmit(form, async (fields) => {
    const changes = {};
    for (const field of PROFILE_FIELDS) {
      const value = fields[field] ?? "";
      if (value !== (current?.[field] ?? "")) changes[field] = value;
    }
    if (Object.keys(changes).length === 0) return notify("Nothing to save.");
    const me = await api.patch("/api/me/", changes);
    show(me);
    const mailed = "email" in changes && me.pending_email ? ` A confirmation link was sent to ${me.pending_email}.` : "";
    notify(`Profile saved.${mailed}`);
  });

  return { load };
}

// The password proves it is the owner; every session ends with the account.
export function deleteAccountForm({ api, form, onDeleted }) {
  onSubmit(form, async ({ current_password: password }) => {
    await api.deleteAccount(password);
    form.reset();
    onDeleted();
  });
}
