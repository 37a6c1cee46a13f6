#!/usr/bin/env bash
# Delivers one account email to a real mail catcher: maildev (from the npm
# registry) on 127.0.0.1. The desk's name and portal URL are set with
# `helpdesk config set`, a user is created with the CLI on a temporary
# database, `helpdesk mail worker` sends its verification mail over SMTP
# (no TLS, loopback only, with AUTH), and maildev's REST API must show that
# mail with the right headers and the set-password link in both parts.
# Exits non-zero with a sentence saying what failed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "maildev-check: $*"; }
fail() {
  echo "maildev-check: FAIL: $*" >&2
  for f in worker.log maildev.log; do
    if [ -s "${work:-/nonexistent}/$f" ]; then
      echo "--- $f" >&2
      tail -n 30 "$work/$f" >&2
    fi
  done
  exit 1
}

# shellcheck source=maildev-lib.sh
source .ci/maildev-lib.sh
smtp_user=desk
export HELPDESK_SMTP_PASSWORD="maildev check $$"
start_maildev "$smtp_user" "$HELPDESK_SMTP_PASSWORD"

say "building helpdesk"
go build -o "$work/helpdesk" ./cmd/helpdesk
export HELPDESK_DB="$work/desk.db"
hd() { "$work/helpdesk" "$@"; }

email="ann.lee@example.test"
base_url="https://desk.example.test/set-password?token="
# The desk's settings live in the database; a mail takes them when it is
# sent, so the worker below needs no flags for them.
hd config set desk-name "Maildev Check" >/dev/null || fail "helpdesk config set desk-name failed"
hd config set base-url "https://desk.example.test" >/dev/null || fail "helpdesk config set base-url failed"
hd user add --email "$email" --name "Ann Lee" || fail "helpdesk user add failed"

# msgfield FIELD: a field of outbox message 1, from `mail list --json`.
msgfield() {
  hd mail list --json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const m = JSON.parse(s).find(m => m.id === 1);
      process.stdout.write(m ? String(m[process.argv[1]]) : "missing");
    });' "$1"
}
message_id=$(msgfield message_id)
[ "$(msgfield state)" = queued ] || fail "the new user's mail is not queued"

say "running helpdesk mail worker against maildev"
# Started directly, not through hd, so $! is helpdesk's own pid.
"$work/helpdesk" --smtp-host 127.0.0.1 --smtp-port "$smtp_port" --smtp-tls none --smtp-username "$smtp_user" \
  --from "Maildev Check <desk@example.test>" mail worker --poll 1s >"$work/worker.log" 2>&1 &
worker_pid=$!
pids+=("$worker_pid")

state=queued
for _ in $(seq 1 60); do
  state=$(msgfield state) || state=unreadable # the worker may hold the file for a moment
  case "$state" in
  sent) break ;;
  failed | cancelled) fail "message 1 is $state: $(msgfield last_error)" ;;
  esac
  kill -0 "$worker_pid" 2>/dev/null || fail "helpdesk mail worker exited early"
  sleep 0.5
done
[ "$state" = sent ] || fail "message 1 still $state after 30 s"

kill -TERM "$worker_pid"
wait "$worker_pid" || fail "helpdesk mail worker did not stop cleanly on SIGTERM"
grep -q "Mail worker stopped." "$work/worker.log" || fail "the worker did not say it stopped"

say "checking maildev's REST API"
node - "http://127.0.0.1:$web_port/email" "$email" "$message_id" "$base_url" <<'JS' || fail "maildev does not hold the expected mail (see above)"
const [url, to, messageId, base] = process.argv.slice(2);
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };
fetch(url).then(r => r.json()).then(list => {
  const mails = list.filter(m => (m.to || []).some(t => t.address === to));
  check(mails.length === 1, `${mails.length} mails to ${to}, want 1`);
  const m = mails[0] || {};
  check(m.subject === "Confirm your email for Maildev Check", `subject ${JSON.stringify(m.subject)}`);
  check((m.headers || {})["message-id"] === messageId, `Message-ID ${JSON.stringify((m.headers || {})["message-id"])}, want ${messageId}`);
  check((m.from || [])[0]?.address === "desk@example.test", "From address");
  check((m.to || [])[0]?.name === "Ann Lee", "To name");
  check(/^multipart\/alternative/.test((m.headers || {})["content-type"] || ""), "not multipart/alternative");
  const link = ((m.text || "").match(/https:\/\/\S+/) || [""])[0];
  check(link.startsWith(base) && link.length > base.length + 20, `text part has no set-password link: ${JSON.stringify(m.text)}`);
  check((m.html || "").includes(`<a href="${link}">`), "HTML part does not link the same URL");
  check(!/<script/i.test(m.html || ""), "HTML part holds a script tag");
  if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
}).catch(e => { console.error(String(e)); process.exit(1); });
JS

say "OK: the verification mail for $email reached maildev with its link and Message-ID $message_id"
