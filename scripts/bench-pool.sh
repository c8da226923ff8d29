#!/bin/sh
# The whole-pool benchmarks of issue 13: 40,960 live pool tickets over
# 100,000 users (docs/performance.md, "The whole ticket pool"). Each go test
# prints the machine line first, then its figures. Needs MariaDB installed
# (models/dbtest starts a throwaway server). About 4 minutes on 2 idle cores.
#
#   scripts/bench-pool.sh            # everything
#   scripts/bench-pool.sh stakepoold # one part: stakepoold, client, models, web
#
# BENCH_POOL_USERS=N runs it at N users (tickets N x 0.4096); run_tests.sh
# runs every benchmark once at 10,000 to catch a broken one.
set -e
cd "$(dirname "$0")/.."
part=${1:-all}
run() { echo "\$ go test $*"; go test "$@" -run '^$' -count=1; }
case $part in all|stakepoold)
	run ./backend/stakepoold/pool/ -bench 'ProcessWinningTickets' -benchtime=2000x
	run ./backend/stakepoold/pool/ -bench 'LoadTickets|Startup|SetUserPref' -benchtime=5x
esac
case $part in all|client)
	run ./backend/stakepooldclient/ -bench 'FrontEndStartup' -benchtime=3x
esac
case $part in all|models)
	# -v prints the query plans (EXPLAIN) of the statements that matter.
	run ./models/ -bench 'Scale' -benchtime=5x -v
esac
case $part in all|web)
	run ./controllers/ -bench 'ScaleFrontEnd' -benchtime=5x
esac
