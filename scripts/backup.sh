#!/usr/bin/env bash
# backup.sh — back up dcrstakepool's database, using the server's own config.
#
#   scripts/backup.sh [-C CONFIG] [-o DIR] [-k KEEP]
#
#   -C CONFIG  dcrstakepool config file (default ~/.dcrstakepool/dcrstakepool.conf)
#   -o DIR     where backups go (default ~/.dcrstakepool/backups)
#   -k KEEP    how many backups to keep; older ones are deleted (default 48)
#
# SQLite (dbtype=sqlite, the default): a consistent copy of the running
# database with `sqlite3 .backup`, checked with PRAGMA integrity_check,
# saved as DIR/dcrstakepool-YYYYmmdd-HHMMSS.db.
# MySQL/MariaDB (dbtype=mysql): `mariadb-dump --single-transaction` (or
# mysqldump), gzipped, saved as DIR/dcrstakepool-YYYYmmdd-HHMMSS.sql.gz. The
# password is passed in a temporary option file, not on the command line.
#
# Only the options in the config file are read (dbtype, dbpath, dbhost,
# dbport, dbname, dbuser, dbpassword, testnet, simnet). Needs sqlite3 or
# mariadb-client (apt-get install sqlite3 mariadb-client). Prints the backup's
# path; exits non-zero on any failure, so cron can mail the error.
#
# Example crontab line (hourly):
#   17 * * * * /opt/dcrstakepool/scripts/backup.sh -o /var/backups/dcrstakepool
set -euo pipefail

conf=$HOME/.dcrstakepool/dcrstakepool.conf
out=$HOME/.dcrstakepool/backups
keep=48
while getopts "C:o:k:h" opt; do
	case $opt in
	C) conf=$OPTARG ;;
	o) out=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) sed -n '2,9p' "$0"; exit 2 ;;
	esac
done
die() { echo "backup.sh: $*" >&2; exit 1; }
[ -r "$conf" ] || die "cannot read config file $conf"
case $keep in '' | *[!0-9]*) die "-k wants a number, got '$keep'" ;; esac
[ "$keep" -ge 1 ] || die "-k must be at least 1"

# opt NAME DEFAULT: the last NAME=value line of the config file, or DEFAULT.
opt() {
	local v
	v=$(sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$/\1/p" "$conf" | tail -n 1)
	printf '%s' "${v:-$2}"
}
on() { case $(opt "$1" 0) in 1 | true | TRUE | True | yes) return 0 ;; esac; return 1; }
expand() { case $1 in "~") printf '%s' "$HOME" ;; "~/"*) printf '%s' "$HOME/${1#\~/}" ;; *) printf '%s' "$1" ;; esac; }

network=mainnet
on testnet && network=testnet3
on simnet && network=simnet

mkdir -p "$out"
chmod 700 "$out"
stamp=$(date +%Y%m%d-%H%M%S)
umask 077

case $(opt dbtype sqlite) in
sqlite)
	command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
	db=$(expand "$(opt dbpath "$HOME/.dcrstakepool/data/$network/dcrstakepool.db")")
	[ -f "$db" ] || die "no SQLite database at $db"
	file=$out/dcrstakepool-$stamp.db
	# .backup copies pages under SQLite's own locking: consistent even while
	# dcrstakepool writes (the database runs in WAL mode).
	sqlite3 "$db" ".timeout 10000" ".backup '$file'" || die "sqlite3 .backup of $db failed"
	check=$(sqlite3 "$file" "PRAGMA integrity_check;")
	[ "$check" = ok ] || { rm -f "$file"; die "the backup failed its integrity check: $check"; }
	pattern='dcrstakepool-*.db'
	;;
mysql)
	dump=$(command -v mariadb-dump || command -v mysqldump) || die "mariadb-dump is not installed (apt-get install mariadb-client)"
	host=$(opt dbhost localhost)
	opts=$(mktemp)
	trap 'rm -f "$opts"' EXIT
	{
		echo "[client]"
		echo "user=$(opt dbuser stakepool)"
		echo "password=$(opt dbpassword '')"
		case $host in
		/*) echo "socket=$host" ;;
		*) echo "host=$host"; echo "port=$(opt dbport 3306)" ;;
		esac
	} >"$opts"
	file=$out/dcrstakepool-$stamp.sql.gz
	# --single-transaction: one consistent snapshot of the InnoDB tables
	# without locking them.
	if ! "$dump" --defaults-extra-file="$opts" --single-transaction --no-tablespaces \
		"$(opt dbname stakepool)" | gzip >"$file.part"; then
		rm -f "$file.part"
		die "$dump failed"
	fi
	mv "$file.part" "$file"
	pattern='dcrstakepool-*.sql.gz'
	;;
*) die "unknown dbtype '$(opt dbtype sqlite)' in $conf" ;;
esac

# Keep the newest $keep backups of this kind.
find "$out" -maxdepth 1 -name "$pattern" -type f | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
	rm -f -- "$old"
done
echo "$file"
