#!/usr/bin/env bash
# harness.sh — run a whole stake pool on the simulator, in tmux.
#
#   ./harness.sh            build everything and start: simnet node, two voting
#                           wallets (same seed, stake-pool mode), a user wallet,
#                           two stakepoolds and dcrstakepool on http://127.0.0.1:8000
#   ./harness.sh --mysql    the same, with a throwaway MariaDB instead of SQLite
#   ./harness.sh --captcha  the same, with the captcha on (off by default)
#   ./harness.sh stop       stop everything the harness started
#   ./harness.sh status     show each process: running, frozen or exited
#
# Each daemon runs in the background of its tmux window, which shows its log,
# so a daemon frozen with kill -STOP stays frozen (tmux resumes a stopped
# foreground process) until kill -CONT.
#
# Environment: HARNESS_DIR (default ./harness-data, wiped at each start),
# MINE_INTERVAL (default 5s), HARNESS_PORT (default 8000), HARNESS_PORT_BASE
# (default 19556: the node; wallets, stakepoolds and metrics follow it).
#
# The seeds and keys below are hard-coded and public: this is a demo and test
# bed on the simulated network only. Never use them for real funds.
set -euo pipefail

REPO=$(cd "$(dirname "$0")" && pwd)
DIR=${HARNESS_DIR:-$REPO/harness-data}
SOCK=${HARNESS_TMUX:-dcrstakepool-harness} # tmux server socket name (tmux -L)
SESSION=harness
MINE_INTERVAL=${MINE_INTERVAL:-5s}
WEB_PORT=${HARNESS_PORT:-8000}

# Simnet identities. The voting wallets share one seed, as production voting
# wallets must; the cold wallet's account xpub receives the pool fees (its seed
# c01d... is only needed to spend them); the user wallet buys tickets.
VOTING_SEED=b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7
USER_SEED=05e405e405e405e405e405e405e405e405e405e405e405e405e405e405e405e4
COLD_XPUB=spubVW8um8rr8mTbncLX5BWVgef6ZN8DVHMphUU49cVsFDkc8BL5z6Dh7dEU4ctAcB7vNvbqi6YMTfECvwqWTdzx6K6qxBWyEKDun2wZCbAEHt6
POOL_FEES=7.5
RPCUSER=user
RPCPASS=pass
ADMIN_EMAIL=admin@harness.example
ADMIN_PASS=harness-admin-pw
DEMO_EMAIL=demo@harness.example
DEMO_PASS=harness-demo-pw
POOL_EMAIL=pool@harness.example

PORT_BASE=${HARNESS_PORT_BASE:-19556}
NODE_PORT=$PORT_BASE
WALLET_PORTS=($((PORT_BASE + 1)) $((PORT_BASE + 11)))
USER_WALLET_PORT=$((PORT_BASE + 21))
STAKEPOOLD_PORTS=($((PORT_BASE + 4)) $((PORT_BASE + 5)))
STAKEPOOLD_METRICS=($((PORT_BASE + 6)) $((PORT_BASE + 7)))
# Solo tickets the user wallet buys at start, so the pool's tickets share the
# lottery with others and stay live for a while before they vote.
FILLER_TICKETS=100

BIN=$DIR/bin
PIDS=$DIR/pids # one NAME.pid per daemon
LOGS=$DIR/logs # one NAME.log per daemon: its standard output and errors
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'harness: %s\n' "$*" >&2; exit 1; }
tm() { tmux -L "$SOCK" "$@"; }

# ---------------------------------------------------------------------------
need_tools() {
	local missing=()
	command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || die "Go >= 1.26 is required: install it to /usr/local/go (https://go.dev/dl/)"
	export PATH=/usr/local/go/bin:$PATH
	command -v tmux >/dev/null 2>&1 || missing+=(tmux)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	if [ "$USE_MYSQL" = 1 ]; then
		command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing ${missing[*]}"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		die "missing tools: ${missing[*]}. Install them, e.g.: sudo apt-get install ${missing[*]}"
	fi
}

node_ctl() { "$BIN/simnet" ctl --rpcserver 127.0.0.1:$NODE_PORT --rpccert "$DIR/node/rpc.cert" --rpcuser $RPCUSER --rpcpass $RPCPASS "$@"; }
wallet_ctl() { # wallet_ctl PORT DATADIR METHOD ARGS...
	local port=$1 dd=$2; shift 2
	"$BIN/simnet" ctl --wallet --rpcserver 127.0.0.1:"$port" --rpccert "$dd/rpc.cert" --rpcuser $RPCUSER --rpcpass $RPCPASS "$@"
}

# wait_for DESCRIPTION SECONDS CMD... — retry CMD until it succeeds.
wait_for() {
	local what=$1 secs=$2; shift 2
	local end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || die "timed out waiting for $what (logs: $DIR/*/)"
		sleep 0.2
	done
}

# user_wallet_at H — true once the user wallet has processed block H.
user_wallet_at() {
	local h
	h=$(wallet_ctl "$USER_WALLET_PORT" "$DIR/userwallet" getblockcount 2>/dev/null) || return 1
	[ "${h:-0}" -ge "$1" ]
}

window() { # window NAME COMMAND... — run a daemon in its own tmux window
	local name=$1; shift
	local cmd
	printf -v cmd '%q ' env HARNESS_DIR="$DIR" HARNESS_TMUX="$SOCK" "$REPO/harness.sh" _run "$name" "$@"
	mkdir -p "$PIDS" "$LOGS"
	if ! tm has-session -t $SESSION 2>/dev/null; then
		# A placeholder first window lets remain-on-exit apply to every
		# daemon window, so a stopped daemon can be restarted in place
		# with: tmux -L dcrstakepool-harness respawn-pane -t harness:NAME
		tm new-session -d -s $SESSION -n harness -x 200 -y 50
		tm set-option -g remain-on-exit on >/dev/null
	fi
	tm new-window -d -t "$SESSION:" -n "$name" "$cmd"
}

# run_daemon NAME COMMAND... — what each tmux window runs: the daemon in the
# background (so SIGSTOP sticks: tmux only watches the window's own
# process, this shell), its output in $LOGS/NAME.log, shown in the window.
run_daemon() {
	local name=$1; shift
	"$@" >>"$LOGS/$name.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$PIDS/$name.pid"
	tail -n +1 -F --pid="$pid" "$LOGS/$name.log" 2>/dev/null &
	local rc=0
	wait "$pid" || rc=$?
	wait
	echo "== $name exited (status $rc); restart: tmux -L $SOCK respawn-pane -t $SESSION:$name"
}

# state PID — running, frozen or exited, from /proc.
state() {
	local st
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || { echo exited; return; }
	case $st in
	T | t) echo "frozen (kill -CONT $1 resumes it)" ;;
	Z | X | "") echo exited ;;
	*) echo "running (pid $1)" ;;
	esac
}

# ---------------------------------------------------------------------------
stop_all() {
	# The front end first, the database and the node last; SIGTERM lets
	# each shut down cleanly (a frozen one is resumed first), SIGKILL after
	# ten seconds.
	local name pid i
	for name in dcrstakepool stakepoold1 stakepoold2 wallet1 wallet2 user-wallet node mariadb; do
		[ -f "$PIDS/$name.pid" ] || continue
		pid=$(cat "$PIDS/$name.pid")
		# Never let a kill fail the script (set -e): a process that exits
		# between the two signals made stop give up half way, leaving the
		# rest running.
		kill -TERM "$pid" 2>/dev/null || true
		kill -CONT "$pid" 2>/dev/null || true
		for i in $(seq 50); do
			[ "$(state "$pid")" = exited ] && break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
		rm -f "$PIDS/$name.pid"
	done
	tm kill-server 2>/dev/null || true
}

start_mysql() {
	local d=$DIR/mysql
	# Its own tmpdir: a starting mariadbd deletes every #sql* file in its
	# tmpdir, so sharing /tmp with other MariaDB servers breaks them.
	mkdir -p "$d/tmp"
	say "starting a throwaway MariaDB in $d (unix socket only)"
	TMPDIR="$d/tmp" mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$d/data" --tmpdir="$d/tmp" \
		--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
		--innodb-log-file-size=16M >"$d/install.log" 2>&1 || die "mariadb-install-db failed: $d/install.log"
	window mariadb env TMPDIR="$d/tmp" "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --user="$(id -un)" --datadir="$d/data" --tmpdir="$d/tmp" \
		--socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/err.log" \
		--skip-networking --skip-name-resolve --innodb-log-file-size=16M \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --performance-schema=0
	wait_for "MariaDB" 30 mariadb-admin --no-defaults --socket="$d/mysqld.sock" -uroot ping
	mariadb --no-defaults --socket="$d/mysqld.sock" -uroot -e "
		CREATE DATABASE stakepool CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER 'stakepool'@'localhost' IDENTIFIED BY 'stakepool';
		GRANT ALL ON stakepool.* TO 'stakepool'@'localhost';"
}

# build compiles the three binaries, printing each package as it is
# compiled (a cold build takes a few minutes on two cores).
build() {
	local t0=$SECONDS pkg n=0
	say "building simnet, stakepoold and dcrstakepool into $BIN (a first build takes a few minutes)"
	(cd "$REPO" && go build -v -o "$BIN/" ./simnet ./backend/stakepoold . 2>&1) | while IFS= read -r pkg; do
		n=$((n + 1))
		case $pkg in
		*:* | *" "*) printf '\n%s\n' "$pkg" ;; # an error or a download message
		*) if [ -t 1 ]; then printf '\r\033[K  [%3d] %s' "$n" "$pkg"; else echo "  [$n] $pkg"; fi ;;
		esac
	done || die "the build failed (see above)"
	if [ -t 1 ]; then printf '\r\033[K'; fi
	[ -x "$BIN/simnet" ] && [ -x "$BIN/stakepoold" ] && [ -x "$BIN/dcrstakepool" ] || die "the build failed (see above)"
	echo "  built in $((SECONDS - t0))s"
}

start_all() {
	need_tools
	stop_all
	rm -rf "$DIR"
	mkdir -p "$BIN"

	build

	[ "$USE_MYSQL" = 1 ] && start_mysql

	# The user wallet comes first: its first address receives the coinbases.
	say "starting the user wallet (port $USER_WALLET_PORT)"
	window user-wallet "$BIN/simnet" wallet --datadir "$DIR/userwallet" \
		--rpclisten 127.0.0.1:$USER_WALLET_PORT --rpcuser $RPCUSER --rpcpass $RPCPASS \
		--rpcconnect 127.0.0.1:$NODE_PORT --cafile "$DIR/node/rpc.cert" --seed $USER_SEED
	wait_for "the user wallet" 30 wallet_ctl $USER_WALLET_PORT "$DIR/userwallet" getbalance
	local miningaddr
	miningaddr=$(wallet_ctl $USER_WALLET_PORT "$DIR/userwallet" getnewaddress | tr -d '"')

	say "starting simnet node (port $NODE_PORT, a block every $MINE_INTERVAL)"
	window node "$BIN/simnet" node --datadir "$DIR/node" --rpclisten 127.0.0.1:$NODE_PORT \
		--rpcuser $RPCUSER --rpcpass $RPCPASS --miningaddr "$miningaddr" --mineinterval "$MINE_INTERVAL"
	wait_for "the node" 30 node_ctl getblockcount

	for i in 0 1; do
		local n=$((i + 1))
		say "starting voting wallet $n (port ${WALLET_PORTS[$i]}, stake-pool mode)"
		window "wallet$n" "$BIN/simnet" wallet --datadir "$DIR/wallet$n" \
			--rpclisten 127.0.0.1:${WALLET_PORTS[$i]} --rpcuser $RPCUSER --rpcpass $RPCPASS \
			--rpcconnect 127.0.0.1:$NODE_PORT --cafile "$DIR/node/rpc.cert" --seed $VOTING_SEED \
			--stakepoolcoldextkey "$COLD_XPUB:10000" --poolfees $POOL_FEES
	done
	for i in 0 1; do
		wait_for "voting wallet $((i + 1))" 30 wallet_ctl ${WALLET_PORTS[$i]} "$DIR/wallet$((i + 1))" walletinfo
	done

	say "mining to stake validation height"
	local svh=144 height
	height=$(node_ctl getblockcount)
	if [ "$height" -lt $((svh + 2)) ]; then
		node_ctl generate $((svh + 2 - height)) >/dev/null
	fi

	# generate returns when the node has the blocks; the wallet learns of
	# them from notifications a moment later, so wait for it to catch up
	# before spending (else: "-6: insufficient balance").
	height=$(node_ctl getblockcount)
	wait_for "the user wallet to reach height $height" 60 user_wallet_at "$height"

	say "buying $FILLER_TICKETS solo tickets, so the pool's tickets stay live a while before they vote"
	local own
	own=$(wallet_ctl $USER_WALLET_PORT "$DIR/userwallet" getnewaddress | tr -d '"')
	wallet_ctl $USER_WALLET_PORT "$DIR/userwallet" purchaseticket default 100 1 "$own" $FILLER_TICKETS >/dev/null
	node_ctl generate $(((FILLER_TICKETS + 19) / 20)) >/dev/null # at most 20 new tickets a block

	local votingxpub
	votingxpub=$(wallet_ctl ${WALLET_PORTS[0]} "$DIR/wallet1" getmasterpubkey default | tr -d '"')

	local hosts="" certs=""
	for i in 0 1; do
		local n=$((i + 1)) sd=$DIR/stakepoold$((i + 1))
		mkdir -p "$sd"
		say "starting stakepoold $n (gRPC port ${STAKEPOOLD_PORTS[$i]})"
		window "stakepoold$n" "$BIN/stakepoold" --simnet --appdata "$sd" --configfile /dev/null \
			--coldwalletextpub "$COLD_XPUB" --poolfees $POOL_FEES \
			--ecrdhost 127.0.0.1:$NODE_PORT --ecrduser $RPCUSER --ecrdpassword $RPCPASS --ecrdcert "$DIR/node/rpc.cert" \
			--wallethost 127.0.0.1:${WALLET_PORTS[$i]} --walletuser $RPCUSER --walletpassword $RPCPASS \
			--walletcert "$DIR/wallet$n/rpc.cert" --rpclisten 127.0.0.1:${STAKEPOOLD_PORTS[$i]} \
			--metricslisten 127.0.0.1:${STAKEPOOLD_METRICS[$i]}
		hosts+="${hosts:+,}127.0.0.1:${STAKEPOOLD_PORTS[$i]}"
		certs+="${certs:+,}$sd/rpc.cert"
	done
	for i in 0 1; do
		wait_for "stakepoold $((i + 1)) certificate" 30 test -s "$DIR/stakepoold$((i + 1))/rpc.cert"
	done

	say "starting dcrstakepool on http://127.0.0.1:$WEB_PORT"
	mkdir -p "$DIR/web"
	local secret1 secret2
	secret1=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	secret2=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	{
		echo "simnet=1"
		echo "listen=127.0.0.1:$WEB_PORT"
		echo "baseurl=http://127.0.0.1:$WEB_PORT"
		echo "apisecret=$secret1"
		echo "cookiesecret=$secret2"
		echo "coldwalletextpub=$COLD_XPUB"
		echo "votingwalletextpub=$votingxpub"
		echo "stakepooldhosts=$hosts"
		echo "stakepooldcerts=$certs"
		echo "poolfees=$POOL_FEES"
		echo "adminips=127.0.0.1"
		echo "adminuserids=1"
		echo "poolemail=$POOL_EMAIL"
		[ "$USE_CAPTCHA" = 1 ] || echo "nocaptcha=1"
		echo "designation=Harness"
		echo "description=A simulated stake pool started by harness.sh."
		echo "logdir=$DIR/web/logs"
		echo "templatepath=$REPO/views"
		echo "publicpath=$REPO/public"
		if [ "$USE_MYSQL" = 1 ]; then
			echo "dbtype=mysql"
			echo "dbhost=$DIR/mysql/mysqld.sock"
			echo "dbname=stakepool"
			echo "dbuser=stakepool"
			echo "dbpassword=stakepool"
		else
			echo "dbpath=$DIR/web/dcrstakepool.db"
		fi
	} >"$DIR/web/dcrstakepool.conf"
	local who
	for who in "$ADMIN_EMAIL $ADMIN_PASS" "$DEMO_EMAIL $DEMO_PASS"; do # the admin is user 1
		"$BIN/dcrstakepool" --configfile "$DIR/web/dcrstakepool.conf" \
			--createuser "${who% *}" --createuserpassword "${who#* }" >>"$DIR/web/createuser.log" 2>&1 ||
			die "could not create the account ${who% *}: $DIR/web/createuser.log"
	done
	window dcrstakepool "$BIN/dcrstakepool" --configfile "$DIR/web/dcrstakepool.conf"
	wait_for "dcrstakepool" 60 curl -fsS "http://127.0.0.1:$WEB_PORT/status"

	local captcha="off (./harness.sh --captcha turns it on)"
	[ "$USE_CAPTCHA" = 1 ] && captcha=on
	cat <<EOF

The pool is running on the simulated network: http://127.0.0.1:$WEB_PORT
  admin account:  $ADMIN_EMAIL / $ADMIN_PASS (user 1; admin pages from 127.0.0.1)
  demo account:   $DEMO_EMAIL / $DEMO_PASS (verified, no address yet)
  captcha:        $captcha
  tmux:           tmux -L $SOCK attach   (one window per process, showing its log; Ctrl-b n = next)
  status:         ./harness.sh status    (freeze one: kill -STOP <pid>; resume: kill -CONT <pid>)
  logs and data:  $DIR   (daemon output in $LOGS)
  stop:           ./harness.sh stop

Next steps. First define two short commands, for the user wallet and the node:
  alias uwctl='$BIN/simnet ctl --wallet --rpcserver 127.0.0.1:$USER_WALLET_PORT --rpccert $DIR/userwallet/rpc.cert'
  alias nodectl='$BIN/simnet ctl --rpcserver 127.0.0.1:$NODE_PORT --rpccert $DIR/node/rpc.cert'

  1. Log in at http://127.0.0.1:$WEB_PORT/login as $DEMO_EMAIL / $DEMO_PASS.
     (Or register a new account: no mail server is set, so the verification
     link is written to the log:
       grep -ho 'http[^ ]*emailverify[^ ]*' $DIR/web/logs/simnet/*.log)
  2. Open "Connect to wallet" (/address) and submit the user wallet's pubkey address:
       uwctl getnewaddress              # a P2PKH address Ss...
       uwctl validateaddress Ss...      # its "pubkeyaddr" (Sk...) is what the page wants
  3. Import the redeem script the page shows, so the wallet knows the voting address:
       uwctl importscript <redeem script>
  4. Choose how your tickets vote on the Voting page (before they are selected).
  5. Buy 20 tickets with the ticket address, fee address and fee the page shows:
       uwctl purchaseticket default 100 1 <ticket address> 20 <fee address> $POOL_FEES
  6. Watch them on the Tickets page: immature for 16 blocks (a block every
     $MINE_INTERVAL), then live; about 5 of the ~$((FILLER_TICKETS + 20)) live tickets are
     selected each block, so yours vote one by one over the next minutes.
       nodectl getbestblock             # the chain moves on by itself
  7. Try faults: freeze a voting wallet (kill -STOP <pid from ./harness.sh status>) or
     kill a stakepoold, watch /status and /admin/status, and see the other backend vote.
     Forks: nodectl getchaintips, nodectl generateon <parent hash> <n>, nodectl reorganize <depth>.
EOF
}

status() {
	if [ ! -d "$PIDS" ] || [ -z "$(ls -A "$PIDS" 2>/dev/null)" ]; then
		echo "harness is not running"
		return
	fi
	local f
	for f in "$PIDS"/*.pid; do
		printf '%-14s %s\n' "$(basename "$f" .pid):" "$(state "$(cat "$f")")"
	done
	if curl -fsS -m 5 "http://127.0.0.1:$WEB_PORT/status" >/dev/null 2>&1; then
		echo "/status:       OK (http://127.0.0.1:$WEB_PORT)"
	else
		echo "/status:       $(curl -sS -m 5 "http://127.0.0.1:$WEB_PORT/status" 2>&1 | head -c 200)"
	fi
}

USE_MYSQL=0
USE_CAPTCHA=0
case "${1:-start}" in
stop) stop_all; echo "harness stopped" ;;
status) status ;;
_run) shift; run_daemon "$@" ;;
start | --mysql | --captcha)
	for arg in "$@"; do
		case $arg in
		start) ;;
		--mysql) USE_MYSQL=1 ;;
		--captcha) USE_CAPTCHA=1 ;;
		*) die "unknown option $arg (--mysql, --captcha)" ;;
		esac
	done
	start_all
	;;
-h | --help | help) sed -n '2,21p' "$0" ;;
*) die "unknown command $1 (start, --mysql, --captcha, stop, status)" ;;
esac
