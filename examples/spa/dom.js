// Small DOM helpers. Text from the API only ever becomes text nodes, never HTML.
import { ApiError } from "./api.js";

// el("li", {className: "x", onclick}, "text", childNode, ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export function labelled(text, control) {
  return el("label", {}, `${text} `, control);
}

export function errorSlot(field) {
  const tag = field === "form" ? "p" : "small";
  return el(tag, { className: field === "form" ? "form-error" : "field-error", dataset: { errorFor: field } });
}

// A form's non-empty fields; empty ones are left out so the API reports required ones itself.
export function formFields(form) {
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") fields[name] = value;
  }
  return fields;
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
}

// DRF errors next to their fields; `aliases` maps API field names to the form's
// (login's `identifier` stands for `username` or `email`).
export function showErrors(form, error, aliases = {}) {
  const slot = (field) =>
    form.querySelector(`[data-error-for="${CSS.escape(aliases[field] ?? field)}"]`) ??
    form.querySelector('[data-error-for="form"]');
  const body = error instanceof ApiError ? error.body : null;
  const fieldErrors = body && typeof body === "object" && !("detail" in body) ? Object.entries(body) : [];
  if (fieldErrors.length === 0) {
    slot("form").textContent = error.message;
    return;
  }
  for (const [field, messages] of fieldErrors) {
    const text = [].concat(messages).join(" ");
    const target = slot(field);
    target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
  }
}

// Runs `action(fields)` for a submitted form: errors shown in place, button disabled meanwhile.
export function onSubmit(form, action, aliases) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await action(formFields(form));
    } catch (error) {
      showErrors(form, error, aliases);
    } finally {
      button.disabled = false;
    }
  });
}
