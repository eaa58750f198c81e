// The posts card: list, create, edit in place, delete.
import { el, errorSlot, labelled, onSubmit } from "./dom.js";

export function postsPanel({ api, list, form, report }) {
  async function load() {
    const posts = await api.get("/api/posts/");
    list.replaceChildren(...posts.map(render));
  }

  function render(post) {
    const item = el(
      "li",
      { dataset: { id: post.id } },
      el("div", { className: "title" }, post.title),
      el("div", { className: "body" }, post.content),
      el(
        "div",
        { className: "actions" },
        el("button", { type: "button", onclick: () => edit(item, post) }, "Edit"),
        el("button", { type: "button", onclick: () => remove(post) }, "Delete"),
      ),
    );
    return item;
  }

  function edit(item, post) {
    const editor = el(
      "form",
      { className: "editor", noValidate: true },
      labelled("Title", el("input", { name: "title", value: post.title, maxLength: 200 })),
      errorSlot("title"),
      labelled("Content", el("textarea", { name: "content", value: post.content, rows: 2 })),
      errorSlot("content"),
      errorSlot("form"),
      el(
        "div",
        { className: "actions" },
        el("button", { type: "submit" }, "Save"),
        el("button", { type: "button", onclick: () => item.replaceWith(render(post)) }, "Cancel"),
      ),
    );
    // PUT replaces both fields; an emptied content is sent as "" rather than left out.
    onSubmit(editor, (fields) => api.put(`/api/posts/${post.id}/`, { content: "", ...fields }).then(load));
    item.replaceChildren(editor);
  }

  async function remove(post) {
    try {
      await api.delete(`/api/posts/${post.id}/`);
      await load();
    } catch (error) {
      report(error);
    }
  }

  onSubmit(form, async (fields) => {
    await api.post("/api/posts/", fields);
    form.reset();
    await load();
  });

  return { load };
}
