#!/usr/bin/env bash
# harness.sh — run a whole stake pool on the simulator, in tmux.
#
#   ./harness.sh            build everything and start: simnet node, two voting
#                           wallets (same seed, stake-pool mode), a user wallet,
#                           two stakepoolds and dcrstakepool on http://127.0.0.1:8000
#   ./harness.sh --mysql    the same, with a throwaway MariaDB instead of SQLite
#   ./harness.sh stop       stop everything the harness started
#   ./harness.sh status     show what is running
#
# Environment: HARNESS_DIR (default ./harness-data, wiped at each start),
# MINE_INTERVAL (default 5s), HARNESS_PORT (default 8000).
#
# The seeds and keys below are hard-coded and public: this is a demo and test
# bed on the simulated network only. Never use them for real funds.
set -euo pipefail

REPO=$(cd "$(dirname "$0")" && pwd)
DIR=${HARNESS_DIR:-$REPO/harness-data}
SOCK=dcrstakepool-harness # tmux server socket name (tmux -L)
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

NODE_PORT=19556
WALLET_PORTS=(19557 19567)
USER_WALLET_PORT=19577
STAKEPOOLD_PORTS=(19560 19561)
STAKEPOOLD_METRICS=(19562 19563)

BIN=$DIR/bin
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

window() { # window NAME COMMAND... — run a command in its own tmux window
	local name=$1; shift
	local cmd
	printf -v cmd '%q ' "$@"
	if ! tm has-session -t $SESSION 2>/dev/null; then
		# A placeholder first window lets remain-on-exit apply to every
		# daemon window, so a stopped daemon can be restarted in place
		# with: tmux -L dcrstakepool-harness respawn-pane -t harness:NAME
		tm new-session -d -s $SESSION -n harness -x 200 -y 50
		tm set-option -g remain-on-exit on >/dev/null
	fi
	tm new-window -d -t "$SESSION:" -n "$name" "$cmd"
}

# ---------------------------------------------------------------------------
stop_all() {
	if tm has-session -t $SESSION 2>/dev/null; then
		# SIGINT to every pane so the daemons shut down cleanly.
		for pane in $(tm list-panes -s -t $SESSION -F '#{pane_pid}' 2>/dev/null); do
			kill -INT "$pane" 2>/dev/null || true
		done
		sleep 1
		tm kill-server 2>/dev/null || true
	fi
	if [ -f "$DIR/mysql/mysqld.pid" ]; then
		local pid i
		pid=$(cat "$DIR/mysql/mysqld.pid")
		kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 50); do # a clean InnoDB shutdown takes a moment
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		rm -f "$DIR/mysql/mysqld.pid"
	fi
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
	window mariadb env TMPDIR="$d/tmp" mariadbd --no-defaults --user="$(id -un)" --datadir="$d/data" --tmpdir="$d/tmp" \
		--socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/err.log" \
		--skip-networking --skip-name-resolve --innodb-log-file-size=16M \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --performance-schema=0
	wait_for "MariaDB" 30 mariadb-admin --no-defaults --socket="$d/mysqld.sock" -uroot ping
	mariadb --no-defaults --socket="$d/mysqld.sock" -uroot -e "
		CREATE DATABASE stakepool CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER 'stakepool'@'localhost' IDENTIFIED BY 'stakepool';
		GRANT ALL ON stakepool.* TO 'stakepool'@'localhost';"
}

start_all() {
	need_tools
	stop_all
	rm -rf "$DIR"
	mkdir -p "$BIN"

	say "building simnet, stakepoold and dcrstakepool"
	(cd "$REPO" && go build -o "$BIN/" ./simnet ./backend/stakepoold .)

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
	"$BIN/dcrstakepool" --configfile "$DIR/web/dcrstakepool.conf" \
		--createuser "$ADMIN_EMAIL" --createuserpassword "$ADMIN_PASS" >"$DIR/web/createuser.log" 2>&1 ||
		die "could not create the admin account: $DIR/web/createuser.log"
	window dcrstakepool "$BIN/dcrstakepool" --configfile "$DIR/web/dcrstakepool.conf"
	wait_for "dcrstakepool" 60 curl -fsS "http://127.0.0.1:$WEB_PORT/status"

	cat <<EOF

The pool is running on the simulated network: http://127.0.0.1:$WEB_PORT
  admin account:  $ADMIN_EMAIL / $ADMIN_PASS (user id 1; admin pages from 127.0.0.1)
  tmux:           tmux -L $SOCK attach   (one window per process; Ctrl-b n = next)
  logs and data:  $DIR
  stop:           ./harness.sh stop

Next steps (first define two short commands for the user wallet and the node):
  alias uw='$BIN/simnet ctl --wallet --rpcserver 127.0.0.1:$USER_WALLET_PORT --rpccert $DIR/userwallet/rpc.cert'
  alias node='$BIN/simnet ctl --rpcserver 127.0.0.1:$NODE_PORT --rpccert $DIR/node/rpc.cert'

  1. Register at http://127.0.0.1:$WEB_PORT/register. No mail server is set, so the
     verification link is written to the log:
       grep -ho 'http[^ ]*emailverify[^ ]*' $DIR/web/logs/simnet/*.log
  2. Log in, open "Connect to wallet" (/address), and submit the user wallet's pubkey address:
       uw getnewaddress              # a P2PKH address Ss...
       uw validateaddress Ss...      # its "pubkeyaddr" (Sk...) is what the page wants
  3. Buy tickets with the ticket address, fee address and fee the page shows:
       uw purchaseticket default 100 1 <ticket address> 2 <fee address> $POOL_FEES
  4. Watch them on the Tickets page: immature, live after 16 blocks, then voted when
     selected (a block every $MINE_INTERVAL). Choose how they vote on the Voting page.
       node getbestblock             # the chain moves on by itself
EOF
}

status() {
	if tm has-session -t $SESSION 2>/dev/null; then
		tm list-windows -t $SESSION -F '#{window_name}: #{?pane_dead,stopped,running}' | grep -v '^harness:'
	else
		echo "harness is not running"
	fi
}

USE_MYSQL=0
case "${1:-start}" in
stop) stop_all; echo "harness stopped" ;;
status) status ;;
start | --mysql)
	[ "${1:-}" = --mysql ] && USE_MYSQL=1
	[ "${2:-}" = --mysql ] && USE_MYSQL=1
	start_all
	;;
-h | --help | help) sed -n '2,16p' "$0" ;;
*) die "unknown command $1 (start, --mysql, stop, status)" ;;
esac
