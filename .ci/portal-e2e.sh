#!/usr/bin/env bash
# The customer portal end to end in a real browser: Debian's chromium,
# driven from Go (chromedp) by e2e/portal_browser_test.go, against
# `helpdesk serve --http` delivering its mail to maildev. An agent's new
# user follows the mailed link, sets a password and lands signed in; a
# customer signs up with a new organization; then, with the console running
# in tmux beside the portal (`helpdesk --http`) and showing a conversation
# an agent opened with `helpdesk conv new`, the customer replies on the
# portal and the console shows the reply, marked as the customer's.
# Exits non-zero with what failed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "portal-e2e: $*"; }
fail() {
  echo "portal-e2e: FAIL: $*" >&2
  if [ -s "${work:-/nonexistent}/maildev.log" ]; then
    echo "--- maildev.log" >&2
    tail -n 30 "$work/maildev.log" >&2
  fi
  exit 1
}

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  say "installing chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  chromium=$(command -v chromium) || fail "chromium did not install"
fi

if ! command -v tmux >/dev/null 2>&1; then
  say "installing tmux"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tmux
  command -v tmux >/dev/null 2>&1 || fail "tmux did not install"
fi

# shellcheck source=maildev-lib.sh
source .ci/maildev-lib.sh
export HELPDESK_SMTP_PASSWORD="portal e2e $$"
start_maildev desk "$HELPDESK_SMTP_PASSWORD"

say "driving $("$chromium" --version 2>/dev/null | head -n 1) through the portal"
HELPDESK_E2E_CHROMIUM="$chromium" HELPDESK_E2E_SMTP_PORT="$smtp_port" HELPDESK_E2E_MAILDEV="http://127.0.0.1:$web_port" \
  go test -tags browser -count=1 -v ./e2e/ || fail "the browser test failed (see above)"
say "OK"
