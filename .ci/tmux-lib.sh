# Helpers for the scripts that drive helpdesk in tmux, sourced after they
# set $session and define fail().

# wait_for WORDS [SECONDS]: poll the screen until it shows WORDS.
wait_for() {
	local want=$1 limit=${2:-15}
	local deadline=$((SECONDS + limit))
	while ((SECONDS < deadline)); do
		if tmux capture-pane -p -t "$session" | grep -qF -- "$want"; then
			return 0
		fi
		sleep 0.1
	done
	fail "the screen never showed: $want"
}

keys() { tmux send-keys -t "$session" "$@"; }
type_text() { tmux send-keys -t "$session" -l -- "$1"; }
