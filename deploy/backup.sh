#!/bin/sh
# Backups of the portal's database: docker-compose.yml's "backup" service runs `schedule`;
# an operator runs the rest by hand (README, "Backups and the restore drill").
#
#   backup.sh dump                  one dump now into BACKUP_DIR, then dumps older than
#                                   BACKUP_KEEP_DAYS removed
#   backup.sh schedule              a dump at start and every BACKUP_INTERVAL_SECONDS after
#   backup.sh restore FILE DBNAME   a dump into a new database DBNAME; it never writes over
#                                   an existing one (drop it first, deliberately)
#
# The database is libpq's: PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.
set -eu

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_INTERVAL_SECONDS=${BACKUP_INTERVAL_SECONDS:-86400}

dump() {
    : "${PGDATABASE:?set PGDATABASE, the database to dump}"
    mkdir -p "$BACKUP_DIR"
    final="$BACKUP_DIR/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
    trap 'rm -f "$final.partial"' EXIT
    # Custom format: compressed, restored by pg_restore, which can also pick single tables.
    pg_dump --format=custom --no-owner --file="$final.partial"
    # Named as a backup only once complete: an interrupted dump never passes for one.
    mv "$final.partial" "$final"
    echo "backup: wrote $final ($(wc -c <"$final") bytes)"
    # Only after a good dump, so failing dumps never eat the last good ones.
    find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump" \
        -mtime +"$((BACKUP_KEEP_DAYS - 1))" -print -delete | sed 's/^/backup: removed /'
    find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump.partial" \
        -mmin +1440 -delete
}

schedule() {
    trap 'exit 0' TERM INT
    while :; do
        # A process of its own: its `set -e` stops a failed dump before anything is removed.
        sh "$0" dump || echo "backup: the dump failed; next try in $BACKUP_INTERVAL_SECONDS s" >&2
        sleep "$BACKUP_INTERVAL_SECONDS" &
        wait $!
    done
}

restore() {
    file=$1
    target=$2
    [ -f "$file" ] || { echo "backup: no such dump: $file" >&2; exit 2; }
    # createdb fails if the database exists: a restore never mixes with live data.
    createdb "$target"
    # One transaction: the database ends up whole or empty.
    pg_restore --no-owner --exit-on-error --single-transaction --dbname="$target" "$file"
    echo "backup: restored $file into database $target"
}

case "${1:-}" in
    dump) dump ;;
    schedule) schedule ;;
    restore)
        [ $# -eq 3 ] || { echo "usage: $0 restore FILE DBNAME" >&2; exit 2; }
        restore "$2" "$3" ;;
    *) echo "usage: $0 dump | schedule | restore FILE DBNAME" >&2; exit 2 ;;
esac
