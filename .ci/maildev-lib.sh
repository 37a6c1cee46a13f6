# Starting maildev, the mail catcher, for the scripts that deliver real
# mail. Sourced after the script defines fail() and say(). It makes $work,
# a temporary folder, and the pids array: at exit every process listed
# there is stopped (by pid: only what the script started) and $work is
# removed. start_maildev USER PASSWORD sets smtp_port and web_port.

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# listening PORT: true when something accepts connections on 127.0.0.1:PORT.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FROM: the first port from FROM on that nobody listens on.
free_port() {
  local p=$1
  while listening "$p"; do
    p=$((p + 1))
    [ "$p" -lt $(($1 + 100)) ] || fail "no free port near $1"
  done
  echo "$p"
}

start_maildev() {
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    say "installing nodejs and npm"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
  fi
  say "installing maildev@2 from the npm registry"
  npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error maildev@2 >"$work/npm.log" 2>&1 ||
    { cat "$work/npm.log" >&2; fail "npm install maildev@2 failed"; }
  smtp_port=$(free_port 1025)
  web_port=$(free_port 1080)
  say "starting maildev: SMTP 127.0.0.1:$smtp_port, API http://127.0.0.1:$web_port"
  "$work/npm/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp "$smtp_port" --web "$web_port" \
    --incoming-user "$1" --incoming-pass "$2" --mail-directory "$work/mails" \
    >"$work/maildev.log" 2>&1 &
  local maildev_pid=$!
  pids+=("$maildev_pid")
  for _ in $(seq 1 100); do
    listening "$smtp_port" && listening "$web_port" && break
    kill -0 "$maildev_pid" 2>/dev/null || fail "maildev exited at start"
    sleep 0.1
  done
  listening "$smtp_port" && listening "$web_port" || fail "maildev did not listen within 10 s"
}
