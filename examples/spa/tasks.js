// The tasks card: list, create, change status, delete.
import { el, onSubmit } from "./dom.js";

const STATUSES = [
  ["pending", "Pending"],
  ["in-progress", "In progress"],
  ["completed", "Completed"],
];

export function tasksPanel({ api, list, form, report }) {
  async function load() {
    const tasks = await api.get("/api/tasks/");
    list.replaceChildren(...tasks.map(render));
  }

  function render(task) {
    const status = el(
      "select",
      { ariaLabel: "Status", onchange: () => changeStatus(task, status.value) },
      ...STATUSES.map(([value, text]) => el("option", { value, selected: value === task.status }, text)),
    );
    return el(
      "li",
      { dataset: { id: task.id, status: task.status } },
      el("div", { className: "title" }, task.title),
      task.description ? el("div", { className: "body" }, task.description) : null,
      el(
        "div",
        { className: "actions" },
        status,
        el("button", { type: "button", onclick: () => remove(task) }, "Delete"),
      ),
    );
  }

  async function changeStatus(task, status) {
    await guarded(() => api.patch(`/api/tasks/${task.id}/`, { status }));
  }

  async function remove(task) {
    await guarded(() => api.delete(`/api/tasks/${task.id}/`));
  }

  // List actions have no form to show errors in; the list is reloaded either way so it shows
  // what the server holds.
  async function guarded(action) {
    try {
      await action();
    } catch (error) {
      report(error);
    }
    await load().catch(report);
  }

  onSubmit(form, async (fields) => {
    await api.post("/api/tasks/", fields);
    form.reset();
    await load();
  });

  return { load };
}
