#!/usr/bin/env bash
# tmux-smoke: build helpdesk, run `helpdesk --demo` in a 120x40 tmux session
# and use it as an agent would: create a user, try a duplicate email (the
# owner must be named), disable a user (the confirm must say what it does,
# the list must mark the user disabled), quit. Each step waits for words on
# the screen by polling capture-pane for a bounded time; a missing word
# fails the run with the screen printed. The session is always removed.
set -euo pipefail

cd "$(dirname "$0")/.."
work=$(mktemp -d)
session="helpdesk-smoke-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "tmux-smoke: FAIL: $*" >&2
	echo "--- screen ---" >&2
	tmux capture-pane -p -t "$session" >&2 || true
	exit 1
}

# quit_and_check FILE: q quits the console, which must exit 0 within 10 s;
# the session's shell writes the exit status to FILE.
quit_and_check() {
	keys q
	local deadline=$((SECONDS + 10))
	until [[ -s $1 ]]; do
		((SECONDS < deadline)) || fail "helpdesk did not exit after q"
		sleep 0.1
	done
	local status
	status=$(cat "$1")
	[[ $status == 0 ]] || fail "helpdesk exited with status $status"
}

# shellcheck source=tmux-lib.sh
source .ci/tmux-lib.sh

echo "tmux-smoke: building"
go build -o "$work/helpdesk" ./cmd/helpdesk

# -u: UTF-8 whatever the locale. The exit status goes to a file: tmux's
# pane_dead_status is not filled in on every version.
tmux -u new-session -d -s "$session" -x 120 -y 40 \
	"NO_COLOR=1 '$work/helpdesk' --demo; echo \$? > '$work/status'; sleep 30"

echo "tmux-smoke: users list"
wait_for "[All 200]"
wait_for "1 of 200"

# Runes that arrive in one read reach the console as one key message; each
# must still count: four j move the cursor four rows, g goes back first.
echo "tmux-smoke: a burst of keys"
type_text "jjjj"
wait_for "5 of 200"
type_text "gj"
wait_for "2 of 200"
type_text "g"
wait_for "1 of 200"

echo "tmux-smoke: create a user"
keys n
wait_for "Account mail"
type_text "smoke.test@example.org"
keys Tab
type_text "Smoke Test"
keys C-s
wait_for "Created smoke.test@example.org"
wait_for "Smoke Test  <smoke.test@example.org>"
keys Escape
wait_for "All 201"

echo "tmux-smoke: duplicate email"
keys n
wait_for "Account mail"
type_text "Kofi.Nguyen@acme.com"
wait_for "kofi.nguyen@acme.com already belongs to Kofi Nguyen (Acme)."
keys C-s
wait_for "Not saved: kofi.nguyen@acme.com already belongs to Kofi Nguyen (Acme)."
keys Escape
wait_for "Leave New user without saving?"
keys y
wait_for "All 201"

echo "tmux-smoke: disable a user"
keys /
type_text "kofi.nguyen@acme"
wait_for "1 of 1"
keys Enter d
wait_for "Disable Kofi Nguyen?"
wait_for "Kofi Nguyen cannot sign in or receive mail; data and conversations are"
keys y
wait_for "Disabled Kofi Nguyen"
wait_for "⊘ disabled"
wait_for "Disabled 29" # the demo has 28 disabled users

echo "tmux-smoke: quit"
quit_and_check "$work/status"

# While a console holds a database file, a command from the shell on the
# same file is carried out by the console's process, and the console shows
# what it did.
echo "tmux-smoke: user add from the shell while the console is open"
tmux kill-session -t "$session"
session="$session-shared"
db="$work/desk.db"
"$work/helpdesk" --db "$db" demo --users 20 >/dev/null
tmux -u new-session -d -s "$session" -x 120 -y 40 \
	"NO_COLOR=1 '$work/helpdesk' --db '$db'; echo \$? > '$work/status2'; sleep 30"
wait_for "[All 20]"
out=$("$work/helpdesk" --db "$db" user add --email shell.added@example.org --name "Shell Added" 2>&1) ||
	fail "user add beside the console: $out"
wait_for "All 21"
keys /
type_text "shell.added"
wait_for "1 of 1"
wait_for "Shell Added"
keys Enter
quit_and_check "$work/status2"
[[ ! -e $db.sock ]] || fail "the console left its socket $db.sock behind"

# An agent's config.toml rebinds keys by action name: with down on ctrl+n,
# ctrl+n moves the Users cursor and j no longer does.
echo "tmux-smoke: a rebinding from config.toml"
tmux kill-session -t "$session"
session="$session-config"
mkdir -p "$work/xdg/helpdesk"
printf '[keys]\ndown = ["ctrl+n"]\n' >"$work/xdg/helpdesk/config.toml"
tmux -u new-session -d -s "$session" -x 120 -y 40 \
	"XDG_CONFIG_HOME='$work/xdg' NO_COLOR=1 '$work/helpdesk' --db '$db'; echo \$? > '$work/status3'; sleep 30"
wait_for "1 of 21"
keys C-n
wait_for "2 of 21"
keys C-n C-n
wait_for "4 of 21"
type_text "j"
keys C-n
wait_for "5 of 21"
quit_and_check "$work/status3"
echo "tmux-smoke: ok"
