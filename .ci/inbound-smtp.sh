#!/usr/bin/env bash
# A customer's reply reaches the desk over real SMTP: `helpdesk serve
# --smtp-listen` on a temporary database (inbound-address set first), a
# conversation started with the CLI, and swaks (Debian's SMTP test tool)
# sending a reply whose In-Reply-To names the conversation's Message-ID;
# `helpdesk conv show` must then have it as the customer's message. A
# relay attempt must be refused at RCPT. Exits non-zero with a sentence
# saying what failed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "inbound-smtp: $*"; }
fail() {
  echo "inbound-smtp: FAIL: $*" >&2
  for f in serve.log swaks.log relay.log; do
    if [ -s "${work:-/nonexistent}/$f" ]; then
      echo "--- $f" >&2
      tail -n 30 "$work/$f" >&2
    fi
  done
  exit 1
}

if ! command -v swaks >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "swaks is missing; install it (apt-get install swaks) or run as root"
  say "installing swaks"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq swaks >/dev/null || fail "apt-get install swaks failed"
fi

work=$(mktemp -d)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building helpdesk"
go build -o "$work/helpdesk" ./cmd/helpdesk
export HELPDESK_DB="$work/desk.db"
hd() { "$work/helpdesk" "$@"; }

desk=support@desk.example.test
hd config set inbound-address "$desk" >/dev/null || fail "helpdesk config set inbound-address failed"
hd user add --email ann@example.test --name "Ann Lee" --mail none >/dev/null || fail "helpdesk user add failed"
echo "Hello Ann, how can we help?" | hd conv new --requester ann@example.test --subject "Printer" --body-file - >/dev/null ||
  fail "helpdesk conv new failed"
# The thread's root Message-ID: the conversation's first mail, queued.
root=$(hd mail list --json | grep -o '"message_id": *"<[^"]*>"' | head -n 1 | grep -o '<[^>]*>') ||
  fail "mail list shows no Message-ID for the conversation's mail"

say "starting helpdesk serve --smtp-listen"
# Started directly, not through hd, so $! is helpdesk's own pid.
"$work/helpdesk" serve --smtp-listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve_pid=$!
addr=
for _ in $(seq 100); do
  addr=$(grep -o 'Receiving mail for .* on [0-9.]*:[0-9]*' "$work/serve.log" | grep -o '[0-9.]*:[0-9]*$' || true)
  [ -n "$addr" ] && break
  kill -0 "$serve_pid" 2>/dev/null || fail "serve exited before it listened"
  sleep 0.1
done
[ -n "$addr" ] || fail "serve did not say where it receives mail within 10 seconds"
host=${addr%:*} port=${addr##*:}

say "a relay attempt is refused at RCPT"
if swaks --server "$host" --port "$port" --from spam@example.test --to victim@elsewhere.test \
  --quit-after RCPT >"$work/relay.log" 2>&1; then
  fail "the listener took a recipient that is not the desk's"
fi
grep -q '550 5.7.1' "$work/relay.log" || fail "the relay attempt was not answered 550 5.7.1"

say "swaks sends Ann's reply"
body="Still broken, ticket $$."
swaks --server "$host" --port "$port" --from ann@example.test --to "$desk" \
  --header "Subject: Re: Printer" --header "Message-Id: <ci.$$@example.test>" --header "In-Reply-To: $root" \
  --body "$body" >"$work/swaks.log" 2>&1 || fail "swaks could not deliver the reply"

# conv show runs in serve's process through its socket.
show=$(hd conv show 1) || fail "helpdesk conv show 1 failed"
grep -qF "$body" <<<"$show" || fail "conv show 1 does not have the reply: $show"
grep -qF "(from the customer, by email)" <<<"$show" || fail "conv show 1 does not mark the reply as the customer's by email: $show"

kill -TERM "$serve_pid"
wait "$serve_pid" || fail "serve did not stop cleanly on SIGTERM"
serve_pid=
say "ok: the reply sent over SMTP is in conversation 1"
