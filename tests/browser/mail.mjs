// The mails the auth service sent. With no SMTP server configured it logs each one instead
// (like Django's console backend), as a JSON line of its log:
//   {"ts":…,"msg":"mail","to":"…","subject":"…","body":"…"}
// run.sh passes that log's path (the stack's STATE_DIR/logs/auth-service.log) as AUTH_LOG.
import { readFile } from "node:fs/promises";
import { requiredEnv, until } from "./harness.mjs";

const AUTH_LOG = requiredEnv("AUTH_LOG");
const MAIL_TIMEOUT_MS = 15_000; // the outbox is sent in the background

async function mails(to, subject) {
  const text = await readFile(AUTH_LOG, "utf8").catch(() => "");
  const found = [];
  for (const line of text.split("\n")) {
    if (!line.includes('"msg":"mail"')) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line still being written
    }
    if (entry.to === to && entry.subject === subject) found.push(entry);
  }
  return found;
}

// How many such mails were sent so far: pass it to nextMail to wait for a newer one.
export async function mailCount(to, subject) {
  return (await mails(to, subject)).length;
}

// The body of the first such mail after the first `seen`, waiting for it with a deadline.
export async function nextMail(to, subject, seen) {
  const found = await until(
    `a mail to ${to} with the subject "${subject}" in ${AUTH_LOG}`,
    async () => (await mails(to, subject))[seen],
    MAIL_TIMEOUT_MS,
  );
  return found.body;
}

// The one link in a mail body.
export function linkIn(body) {
  const links = body.match(/https?:\/\/\S+/g) ?? [];
  if (links.length !== 1) throw new Error(`expected one link in the mail, found ${links.length}:\n${body}`);
  return links[0];
}
