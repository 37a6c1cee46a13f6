#!/usr/bin/env bash
# record-demo: record a scripted console session of `helpdesk --demo` and
# render it to docs/demo.svg, the animation the README shows.
#
# It builds helpdesk, runs it under asciinema inside a detached tmux
# session (100x30), drives it with tmux send-keys (waiting for words on the
# screen, then pausing so a viewer can follow), and renders the recording
# with svg-term-cli (npm, run through npx). Rerun it after changing a screen.
#
# Needs: go, tmux, asciinema (Debian/Ubuntu: apt-get install asciinema),
# node with npx (svg-term-cli is fetched by npx on first use).
# Usage: scripts/record-demo.sh [OUT.svg]   (default docs/demo.svg)
# With RECORD_CAST=FILE the asciinema recording is kept there too (to
# replay it with `asciinema play`, or render one frame with svg-term --at).
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-docs/demo.svg}

missing=()
for tool in go tmux asciinema npx; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	echo "record-demo: missing ${missing[*]}." >&2
	echo "Install them first, e.g. on Debian or Ubuntu: apt-get install tmux asciinema nodejs npm (and Go from go.dev)." >&2
	exit 1
fi

work=$(mktemp -d)
session="helpdesk-record-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "record-demo: FAIL: $*" >&2
	tmux capture-pane -p -t "$session" >&2 || true
	exit 1
}
# shellcheck source=../.ci/tmux-lib.sh
source .ci/tmux-lib.sh

# pause SECONDS: let the viewer read (the recording keeps real time, up to
# asciinema's idle limit).
pause() { sleep "$1"; }

echo "record-demo: building"
go build -o "$work/helpdesk" ./cmd/helpdesk

cast="$work/demo.cast"
# A plain prompt-less shell environment: only the console is recorded.
tmux -u new-session -d -s "$session" -x 100 -y 30 \
	"TERM=xterm-256color COLORTERM=truecolor asciinema rec --quiet --overwrite --idle-time-limit 2 \
		--cols 100 --rows 30 -c '$work/helpdesk --demo' '$cast'; echo done > '$work/status'"

echo "record-demo: recording"
wait_for "1 of 200" 30
pause 2
# Every key of a burst counts.
type_text "jjjj"
wait_for "5 of 200"
pause 1.5
# Find a user by name, open them, copy the email (OSC 52).
keys /
pause 0.5
type_text "kofi ngu"
wait_for "Kofi Nguyen"
pause 1.5
keys Enter
pause 0.5
keys Enter
wait_for "History"
pause 2
type_text "y"
wait_for "to the clipboard"
pause 2
keys Escape
pause 0.5
keys Escape
wait_for "1 of 200"
pause 1
# Organizations: Acme and its child, Acme Europe.
type_text "2"
wait_for "Acme Europe"
pause 2.5
# The inbox: conversations opened on the portal, answered by agents.
type_text "3"
wait_for "ASSIGNEE"
pause 2.5
keys Enter
wait_for "Thread"
pause 3
keys Escape
pause 1
# A confirm takes its letter only: Enter reminds which key confirms.
type_text "1"
wait_for "1 of 200"
pause 1
type_text "d"
wait_for "Cancel"
pause 1.5
keys Enter
wait_for "Enter does not confirm here"
pause 2.5
type_text "n"
pause 1
# The keys of the screen.
type_text "?"
wait_for "Keys: Users"
pause 3
type_text "?"
pause 1
type_text "q"

deadline=$((SECONDS + 20))
until [[ -s $work/status ]]; do
	((SECONDS < deadline)) || fail "the recording did not end after q"
	sleep 0.2
done
[[ -s $cast ]] || fail "asciinema wrote no recording"
if [[ -n ${RECORD_CAST:-} ]]; then
	cp "$cast" "$RECORD_CAST"
fi

echo "record-demo: rendering $out"
mkdir -p "$(dirname "$out")"
npx --yes svg-term-cli@2.1.1 --in "$cast" --out "$out" --window --no-cursor --width 100 --height 30
echo "record-demo: wrote $out ($(wc -c <"$out") bytes)"
