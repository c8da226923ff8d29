#!/usr/bin/env bash
# run_tests.sh — the project's one test command (README "Testing").
#
# On a fresh Debian machine it installs what the tests need (Go toolchain checks,
# MariaDB, Chromium, protoc, nginx, tmux, curl), then runs: gofmt, go vet, staticcheck, errcheck, the generated-code check,
# every test (unit, real-database, simulator integration, browser end-to-end) and every benchmark once at a small size.
# It ends with a one-line summary and exits non-zero on any failure.
#
# Environment:
#   SKIP_INSTALL=1   do not try to install missing system packages
#   TEST_SHORT=1     pass -short to go test (skips the slow end-to-end scenarios)
#   BENCH_POOL_USERS, SIMNET_LOAD_POOL, SIMNET_WALLET_ROUNDS
#                    sizes of the one-pass benchmark run (defaults 10000, 500, 20)
set -uo pipefail
cd "$(dirname "$0")"
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

start=$(date +%s)
failed=()
step() { # step NAME CMD...
	local name=$1; shift
	echo "==> $name"
	local t0; t0=$(date +%s)
	if "$@"; then
		echo "<== $name: ok ($(( $(date +%s) - t0 ))s)"
	else
		echo "<== $name: FAILED ($(( $(date +%s) - t0 ))s)"
		failed+=("$name")
	fi
}

# --- system packages -------------------------------------------------------
need_pkgs=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_pkgs+=(mariadb-server mariadb-client)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v protoc >/dev/null 2>&1 || need_pkgs+=(protobuf-compiler)
command -v tmux >/dev/null 2>&1 || need_pkgs+=(tmux)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx) # e2e TestSampleNginx
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)                             # harness.sh (e2e TestHarness)
if [ ${#need_pkgs[@]} -gt 0 ] && [ -z "${SKIP_INSTALL:-}" ]; then
	sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
	echo "==> installing: ${need_pkgs[*]}"
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null \
		|| echo "warning: could not install ${need_pkgs[*]}; tests that need them will fail"
fi
command -v go >/dev/null 2>&1 || { echo "Go is not installed: install Go >= 1.26 to /usr/local/go"; exit 1; }

# --- static checks -----------------------------------------------------------
check_gofmt() {
	local out; out=$(gofmt -l $(git ls-files '*.go' | grep -v '\.pb\.go$') 2>&1)
	[ -z "$out" ] || { echo "gofmt needed on:"; echo "$out"; return 1; }
}
step gofmt check_gofmt
step "go vet" go vet ./...
# staticcheck, pinned; installed into ~/go/bin on first use.
check_staticcheck() {
	local want=v0.8.2
	if ! staticcheck -version 2>/dev/null | grep -q "($want)"; then
		echo "installing staticcheck $want"
		GOBIN="$HOME/go/bin" go install "honnef.co/go/tools/cmd/staticcheck@$want" || return 1
	fi
	staticcheck ./...
}
step staticcheck check_staticcheck
# errcheck, pinned: every returned error is handled, in tests too; errcheck-excludes.txt
# lists the functions deliberately never checked, each with its reason.
check_errcheck() {
	local want=v1.30.0 bin="$HOME/go/bin/errcheck"
	if ! go version -m "$bin" 2>/dev/null | grep -q "mod[[:space:]]*github.com/kisielk/errcheck[[:space:]]*$want"; then
		echo "installing errcheck $want"
		GOBIN="$HOME/go/bin" go install "github.com/kisielk/errcheck@$want" || return 1
	fi
	"$bin" -exclude errcheck-excludes.txt ./...
}
step errcheck check_errcheck
if [ -x backend/stakepoold/rpc/regen.sh ]; then
	step "protobuf code is current" backend/stakepoold/rpc/regen.sh --check
fi

# --- tests -------------------------------------------------------------------
short=""; [ -n "${TEST_SHORT:-}" ] && short="-short"
# Concurrent code runs under the race detector; everything else runs plain
# (the race build costs minutes on two cores).
race_pkgs=$(go list ./eacred/rpcclient/... ./backend/... ./system/... ./simnet/internal/...)
# The fault matrix runs the whole pool (about ten processes) on its own, after
# the rest, so it never shares the two cores with the browser tests; -v shows
# its table (docs/faults.md).
matrix_pkg=$(go list ./faultmatrix)
plain_pkgs=$(go list ./... | grep -v -x -F "$race_pkgs" | grep -v -x -F "$matrix_pkg")
step "go test -race (concurrent packages)" go test $short -race -count=1 -timeout 20m $race_pkgs
step "go test (all other packages, incl. simulator and browser end-to-end)" go test $short -count=1 -timeout 25m $plain_pkgs
step "fault matrix (processes killed and frozen while every vote is counted)" go test $short -count=1 -timeout 15m -v "$matrix_pkg"
# Every benchmark runs once (-benchtime 1x) so a broken one fails here; the
# whole-pool ones at a small size (the figures of docs/performance.md come
# from scripts/bench-pool.sh and the benchmark commands at full size).
# MariaDB: models/dbtest starts its own throwaway server, as for the tests.
run_benchmarks() {
	local dirs pkgs
	dirs=$(grep -rl --include='*_test.go' --exclude-dir=.git '^func Benchmark' . | xargs -r -n1 dirname | sort -u)
	[ -n "$dirs" ] || { echo "no benchmarks found"; return 1; }
	pkgs=$(go list $dirs) || return 1
	BENCH_POOL_USERS="${BENCH_POOL_USERS:-10000}" SIMNET_LOAD_POOL="${SIMNET_LOAD_POOL:-500}" \
		SIMNET_WALLET_ROUNDS="${SIMNET_WALLET_ROUNDS:-20}" \
		go test $short -count=1 -run '^$' -bench . -benchtime 1x -timeout 10m $pkgs
}
step "benchmarks (each once, whole pool at BENCH_POOL_USERS=${BENCH_POOL_USERS:-10000})" run_benchmarks
[ -d e2e-screenshots ] && echo "end-to-end screenshots: $(pwd)/e2e-screenshots"

total=$(( $(date +%s) - start ))
if [ ${#failed[@]} -eq 0 ]; then
	echo "SUMMARY: all steps passed in ${total}s"
	exit 0
fi
echo "SUMMARY: FAILED: ${failed[*]} (${total}s)"
exit 1
