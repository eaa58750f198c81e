// Password reset: the "Forgot password?" form on the logged-out page, and the page the mailed
// link opens (#reset?uid=…&token=…), where the new password is chosen.
import { onSubmit } from "./dom.js";

// The answer is the same whether or not an account uses the address; it is shown as given.
export function forgotPasswordForm({ api, form, notify }) {
  onSubmit(form, async (fields) => {
    const { detail } = await api.post("/api/password/reset/", fields);
    form.reset();
    notify(detail);
  });
}

// `open(params)` fills the form in for one link; `onDone(message)` leaves the page.
// A bad or used token is a form error ({"token": [...]}): the link cannot be fixed here.
export function resetPage({ api, form, onDone }) {
  let link = null;

  onSubmit(form, async (fields) => {
    const { detail } = await api.resetPassword({ ...link, ...fields });
    form.reset();
    await onDone(`${detail} Log in with your new password.`);
  });
  form.querySelector('[data-action="cancel"]').addEventListener("click", () => onDone(""));

  return {
    open(params) {
      link = { token: params.get("token") ?? "" };
      if (params.get("uid")) link.uid = params.get("uid");
      form.reset();
      for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
    },
  };
}
