#!/usr/bin/env bash
# ssh-smoke: the SSH support host with the OpenSSH client, as an agent uses
# it. Build helpdesk, make a desk with one agent (a fresh ed25519 key), run
# `helpdesk serve` on a free local port, open the console through
# `ssh -tt` inside tmux, create a user there and check the screen shows
# it, then ask for the same user with a command over SSH (`user show
# --json`), quit, stop the server with SIGTERM and check the database was
# closed with the user in it. Every wait is bounded; a failure prints the
# screen and the server's log. The server, the tmux session and the
# temporary files are always removed.
set -euo pipefail

cd "$(dirname "$0")/.."

# CI runs as root; elsewhere install these yourself.
need_apt=()
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
if [ ${#need_apt[@]} -gt 0 ]; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(printf '%s\n' "${need_apt[@]}" | sort -u)
fi

work=$(mktemp -d)
session="helpdesk-ssh-smoke-$$"
server_pid=""
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "ssh-smoke: FAIL: $*" >&2
	echo "--- screen ---" >&2
	tmux capture-pane -p -t "$session" >&2 2>/dev/null || true
	echo "--- server log ---" >&2
	cat "$work/serve.log" >&2 2>/dev/null || true
	exit 1
}

# shellcheck source=tmux-lib.sh
source .ci/tmux-lib.sh

echo "ssh-smoke: building"
go build -o "$work/helpdesk" ./cmd/helpdesk
hd() { "$work/helpdesk" --db "$work/desk.db" "$@"; }

echo "ssh-smoke: a desk with one agent"
ssh-keygen -q -t ed25519 -N '' -C smoke-agent -f "$work/agent_key"
hd agent add --name "Smoke Agent" --email smoke.agent@example.org --role agent --key-file "$work/agent_key.pub"
# One customer, so the console opens on the users list, not the first-run screen.
hd user add --email first.customer@example.org --name "First Customer" --mail none >/dev/null

echo "ssh-smoke: serve"
port=""
for _ in 1 2 3 4 5; do
	try=$((20000 + RANDOM % 20000))
	# The binary itself, not the hd function: $! must be the server's pid.
	"$work/helpdesk" --db "$work/desk.db" serve --listen "127.0.0.1:$try" >"$work/serve.log" 2>&1 &
	server_pid=$!
	deadline=$((SECONDS + 15))
	while ((SECONDS < deadline)) && kill -0 "$server_pid" 2>/dev/null; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$try") 2>/dev/null; then
			port=$try
			break
		fi
		sleep 0.1
	done
	[[ -n $port ]] && break
	if ! grep -q "cannot listen" "$work/serve.log"; then
		fail "the server did not come up on port $try"
	fi
	wait "$server_pid" 2>/dev/null || true # the port was taken: try another
	server_pid=""
done
[[ -n $port ]] || fail "no free port found"
[[ $(stat -c %a "$work/ssh_host_ed25519_key") == 600 ]] || fail "host key is not mode 0600"

ssh_opts=(-p "$port" -i "$work/agent_key" -o IdentitiesOnly=yes -o BatchMode=yes
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
# Quoted for the tmux command line (no word in it holds a quote).
ssh_line="ssh ${ssh_opts[*]}"

echo "ssh-smoke: the console over ssh -tt"
tmux -u new-session -d -s "$session" -x 120 -y 40 \
	"$ssh_line -tt agent@127.0.0.1; echo \$? > '$work/status'; sleep 30"
wait_for "first.customer@example.org"
wait_for "agent:smoke.agent@example.org"

echo "ssh-smoke: create a user in the console"
keys n
wait_for "Account mail"
type_text "smoke.user@example.org"
keys Tab
type_text "Smoke User"
keys C-s
wait_for "Created smoke.user@example.org"
wait_for "Smoke User  <smoke.user@example.org>"

echo "ssh-smoke: the same user through a command over SSH"
out=$(ssh "${ssh_opts[@]}" agent@127.0.0.1 user show smoke.user@example.org --json) ||
	fail "ssh user show exited $?: $out"
grep -qF '"email": "smoke.user@example.org"' <<<"$out" || fail "user show did not return the user: $out"
grep -qF '"name": "Smoke User"' <<<"$out" || fail "user show lost the name: $out"
who=$(ssh "${ssh_opts[@]}" root@127.0.0.1 whoami) || fail "ssh whoami failed"
grep -qx "agent:smoke.agent@example.org" <<<"${who%%$'\n'*}" || fail "the session is not the agent's: $who"

echo "ssh-smoke: a refused command says why, with exit 1"
# ssh joins the words with spaces and the server splits them like a shell:
# the key, which holds spaces, goes in single quotes.
set +e
refusal=$(ssh "${ssh_opts[@]}" agent@127.0.0.1 agent add --name X --email x@example.org --key "'$(cat "$work/agent_key.pub")'" 2>&1 >/dev/null)
status=$?
set -e
[[ $status == 1 ]] || fail "agent add by a plain agent exited $status: $refusal"
grep -qF "needs the agents permission" <<<"$refusal" || fail "the refusal does not name the permission: $refusal"

echo "ssh-smoke: quit the console"
keys Escape
wait_for "[All 2]"
keys q
deadline=$((SECONDS + 10))
until [[ -s $work/status ]]; do
	((SECONDS < deadline)) || fail "the ssh session did not end after q"
	sleep 0.1
done
[[ $(cat "$work/status") == 0 ]] || fail "ssh exited with status $(cat "$work/status")"

echo "ssh-smoke: stop the server"
kill -TERM "$server_pid"
deadline=$((SECONDS + 20))
while kill -0 "$server_pid" 2>/dev/null; do
	((SECONDS < deadline)) || fail "the server did not stop within 20s of SIGTERM"
	sleep 0.1
done
wait "$server_pid" || fail "the server exited with status $?"
server_pid=""
grep -qF "the database is closed" "$work/serve.log" || fail "the server did not say it closed the database"
shown=$(hd user show smoke.user@example.org 2>&1) || true
grep -qF "by agent:smoke.agent@example.org" <<<"$shown" ||
	fail "the file lacks the user, or its change does not name the agent: $shown"
echo "ssh-smoke: ok"
