#!/usr/bin/env bash
# backup-stakepoold.sh — back up (or restore) a stakepoold's state files
# (users' voting preferences and added low-fee tickets) while it runs.
#
#   scripts/backup-stakepoold.sh [-C CONFIG] [-d STATEDIR] [-o DIR] [-k KEEP] [-s STAKEPOOLD]
#   scripts/backup-stakepoold.sh [-C CONFIG] [-d STATEDIR] [-s STAKEPOOLD] -r BACKUP
#
#   -C CONFIG      stakepoold config file (default ~/.stakepoold/stakepoold.conf)
#   -d STATEDIR    the directory holding state.json and state.journal (default
#                  from the config: <datadir>/<network>, ~/.stakepoold/data/mainnet)
#   -o DIR         where backups go (default ~/.stakepoold/backups)
#   -k KEEP        how many backups to keep; older ones are deleted (default 48)
#   -s STAKEPOOLD  the stakepoold binary that checks the copy (default: stakepoold in PATH)
#   -r BACKUP      restore BACKUP (a directory this script made) into STATEDIR
#
# Backup: copies the journal first, then the snapshot, into
# DIR/stakepoold-state-YYYYmmdd-HHMMSS/. In that order a copy taken while
# stakepoold writes holds every change acknowledged before the copy began
# (backend/stakepoold/store). The copy is then loaded by `stakepoold
# --checkstate` as at start-up; a copy it refuses (a full replacement of the
# state truncating the journal while it was read) is taken again, up to 3
# times. Prints the backup's path; exits non-zero on any failure, so cron
# can mail the error.
#
# Restore (stop stakepoold first): the current state files are moved aside
# to *.before-restore-STAMP, the backup's files are copied into STATEDIR and
# checked with `stakepoold --checkstate`. Start stakepoold afterwards; the
# front end pushes whatever changed since the backup.
#
# Only the options in the config file are read (appdata, datadir, testnet,
# simnet). Example crontab line (hourly):
#   23 * * * * /opt/dcrstakepool/scripts/backup-stakepoold.sh -o /var/backups/stakepoold
set -euo pipefail

conf=$HOME/.stakepoold/stakepoold.conf
conf_given=
state=
out=$HOME/.stakepoold/backups
keep=48
spd=stakepoold
restore=
while getopts "C:d:o:k:s:r:h" opt; do
	case $opt in
	C) conf=$OPTARG; conf_given=1 ;;
	d) state=$OPTARG ;;
	o) out=$OPTARG ;;
	k) keep=$OPTARG ;;
	s) spd=$OPTARG ;;
	r) restore=$OPTARG ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
die() { echo "backup-stakepoold.sh: $*" >&2; exit 1; }
case $keep in '' | *[!0-9]*) die "-k wants a number, got '$keep'" ;; esac
[ "$keep" -ge 1 ] || die "-k must be at least 1"
command -v "$spd" >/dev/null || die "no stakepoold binary '$spd' (give its path with -s)"
if [ -n "$conf_given" ] && [ ! -r "$conf" ]; then die "cannot read config file $conf"; fi

# opt NAME DEFAULT: the last NAME=value line of the config file, or DEFAULT.
opt() {
	local v=
	[ -r "$conf" ] && v=$(sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$/\1/p" "$conf" | tail -n 1)
	printf '%s' "${v:-$2}"
}
on() { case $(opt "$1" 0) in 1 | true | TRUE | True | yes) return 0 ;; esac; return 1; }
expand() { case $1 in "~") printf '%s' "$HOME" ;; "~/"*) printf '%s' "$HOME/${1#\~/}" ;; *) printf '%s' "$1" ;; esac; }

if [ -z "$state" ]; then
	# As stakepoold derives it: <datadir>/<network>, datadir relative to appdata.
	network=mainnet
	on testnet && network=testnet3
	on simnet && network=simnet
	app=$(expand "$(opt appdata "$HOME/.stakepoold")")
	data=$(expand "$(opt datadir data)")
	case $data in /*) ;; *) data=$app/$data ;; esac
	state=$data/$network
fi
stamp=$(date +%Y%m%d-%H%M%S)
umask 077

if [ -n "$restore" ]; then
	[ -f "$restore/state.json" ] || die "no state.json in $restore"
	mkdir -p "$state"
	for f in state.json state.journal; do
		if [ -e "$state/$f" ]; then
			mv -- "$state/$f" "$state/$f.before-restore-$stamp" || die "cannot move $state/$f aside"
			echo "moved aside: $state/$f.before-restore-$stamp"
		fi
	done
	# No journal in the backup: none may follow the restored snapshot.
	if [ -e "$restore/state.journal" ]; then cp -- "$restore/state.journal" "$state/" || die "copy failed"; fi
	cp -- "$restore/state.json" "$state/" || die "copy failed"
	sync "$state" "$state"/state.* 2>/dev/null || true
	"$spd" --checkstate "$state" || die "stakepoold refuses the restored state in $state (the files before the restore are *.before-restore-$stamp)"
	exit 0
fi

[ -f "$state/state.json" ] || die "no state.json in $state"
mkdir -p "$out"
chmod 700 "$out"
final=$out/stakepoold-state-$stamp
n=1
while [ -e "$final" ] || [ -e "$final.part" ]; do # two backups in one second
	n=$((n + 1))
	final=$out/stakepoold-state-$stamp-$n
done
tmp=$final.part
trap 'rm -rf "$tmp"' EXIT
why=
for attempt in 1 2 3; do
	rm -rf "$tmp"
	mkdir "$tmp"
	# The journal first, then the snapshot: a snapshot written between the
	# two copies only makes the journal's older records redundant.
	if [ -e "$state/state.journal" ] && ! cp -- "$state/state.journal" "$tmp/"; then
		why="copying $state/state.journal failed"
		continue
	fi
	if ! cp -- "$state/state.json" "$tmp/"; then
		why="copying $state/state.json failed"
		continue
	fi
	if why=$("$spd" --checkstate "$tmp" 2>&1); then
		sync "$tmp" "$tmp"/state.* 2>/dev/null || true
		mv -T -- "$tmp" "$final"
		trap - EXIT
		# Keep the newest $keep backups.
		find "$out" -maxdepth 1 -name 'stakepoold-state-*' ! -name '*.part' -type d | sort -r |
			tail -n +"$((keep + 1))" | while read -r old; do rm -rf -- "$old"; done
		echo "$final"
		exit 0
	fi
	echo "backup-stakepoold.sh: attempt $attempt: the copy does not load: $why" >&2
	[ "$attempt" -eq 3 ] || sleep 0.5
done
die "no loadable copy of $state after 3 attempts: $why"
