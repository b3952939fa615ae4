# A throwaway PostgreSQL server for the tests, as shell functions: source this file, then
#
#   pgs_find || { echo "skipped: $pgs_why"; exit 0; }   # PG_BIN: the server's binaries
#   pgs_start          # initdb in a temporary folder, start; trap pgs_remove on exit
#   pgs_psql -c '...'  # psql on the server as the superuser "jm", database "postgres"
#   pgs_stop immediate # stop (smart, fast or immediate), keeping the data
#   pgs_start_again    # start on the same data
#   pgs_restart immediate
#   pgs_remove         # stop at once and delete everything (the EXIT trap does it)
#
# The server listens on a Unix socket in its temporary folder and on 127.0.0.1 at a free port,
# nowhere else. It runs as an unprivileged user: nobody when the caller is root (initdb and the
# server refuse root), the caller otherwise. Connections on the socket are trusted; over TCP
# they need the password ($pgs_password, scram-sha-256). Every wait is bounded ($pgs_wait
# seconds). After pgs_start: $pgs_dir (the folder, for the caller's files too), $pgs_sock,
# $pgs_port, $pgs_password, $pgs_conninfo (socket, user jm, database postgres), $pgs_tcp_conninfo
# (127.0.0.1, no password), and PGHOST, PGPORT, PGUSER, PGDATABASE exported for the socket.
# Environment: PG_BIN (folder of initdb, pg_ctl, postgres, psql; default: the newest
# /usr/lib/postgresql/<15 or later>/bin); PGS_SETTINGS, the server's settings beyond where it
# listens (default "-c fsync=off": nothing here needs to survive a power cut).

pgs_wait=${PGS_WAIT:-60}
pgs_settings=${PGS_SETTINGS:--c fsync=off}
pgs_password=jm-harness-pw
pgs_dir=
pgs_started=no

# Finds PostgreSQL 15+ server binaries; 1 with $pgs_why set when there are none.
pgs_find()
{
  if [ -z "${PG_BIN:-}" ]; then
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n); do
      v=${d#/usr/lib/postgresql/}; v=${v%/bin}
      case $v in *[!0-9]*) continue ;; esac
      [ "$v" -ge 15 ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && PG_BIN=$d
    done
  fi
  if [ -z "${PG_BIN:-}" ] || [ ! -x "$PG_BIN/postgres" ]; then
    pgs_why="no PostgreSQL 15+ server binaries (Debian: apt-get install postgresql-15)"
    return 1
  fi
  pgs_psql_bin=$PG_BIN/psql
  [ -x "$pgs_psql_bin" ] || pgs_psql_bin=psql
  return 0
}

# Runs a command as the server's user.
pgs_as()
{
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on now.
pgs_free_port()
{
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pgs_ctl_start()
{
  pgs_as "$PG_BIN/pg_ctl" -D "$pgs_dir/data" -l "$pgs_dir/server.log" -w -t "$pgs_wait" \
    -o "-c listen_addresses=127.0.0.1 -p $pgs_port -k $pgs_sock -c TimeZone=UTC $pgs_settings" \
    start >/dev/null 2>&1
}

pgs_start()
{
  [ -n "${PG_BIN:-}" ] || pgs_find || { echo "pgs: $pgs_why" >&2; return 1; }
  pgs_dir=$(mktemp -d "${TMPDIR:-/tmp}/jm-pg.XXXXXX")
  trap pgs_remove EXIT
  trap 'exit 1' HUP INT TERM
  chmod 700 "$pgs_dir"
  pgs_sock=$pgs_dir/sock
  mkdir "$pgs_sock"
  printf '%s\n' "$pgs_password" > "$pgs_dir/pwfile"
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$pgs_dir" "$pgs_sock" "$pgs_dir/pwfile"
  fi
  pgs_as "$PG_BIN/initdb" -D "$pgs_dir/data" -U jm --pwfile="$pgs_dir/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync \
    >"$pgs_dir/initdb.log" 2>&1 ||
    { cat "$pgs_dir/initdb.log" >&2; echo "pgs: initdb failed" >&2; return 1; }
  pgs_started=yes
  # The port is free when chosen; another process may take it first, so try a few.
  for _ in 1 2 3 4 5; do
    pgs_port=$(pgs_free_port)
    pgs_ctl_start && break
    pgs_port=
  done
  [ -n "$pgs_port" ] ||
    { cat "$pgs_dir/server.log" >&2; echo "pgs: the server did not start" >&2; return 1; }
  pgs_conninfo="host=$pgs_sock port=$pgs_port user=jm dbname=postgres"
  pgs_tcp_conninfo="host=127.0.0.1 port=$pgs_port user=jm dbname=postgres"
  export PGHOST="$pgs_sock" PGPORT="$pgs_port" PGUSER=jm PGDATABASE=postgres
  export PGOPTIONS="-c client_min_messages=warning"
}

pgs_psql()
{
  "$pgs_psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$pgs_sock" -p "$pgs_port" -U jm -d postgres "$@"
}

# Stops the server; $1: smart, fast (the default) or immediate (a crash: recovery on start).
pgs_stop()
{
  pgs_as "$PG_BIN/pg_ctl" -D "$pgs_dir/data" -m "${1:-fast}" -w -t "$pgs_wait" stop >/dev/null
}

pgs_start_again()
{
  pgs_ctl_start || { tail -n 20 "$pgs_dir/server.log" >&2; echo "pgs: no restart" >&2; return 1; }
}

pgs_restart()
{
  pgs_stop "${1:-fast}" && pgs_start_again
}

pgs_remove()
{
  if [ "$pgs_started" = yes ]; then
    pgs_as "$PG_BIN/pg_ctl" -D "$pgs_dir/data" -m immediate -w -t "$pgs_wait" stop \
      >/dev/null 2>&1 || true
    pgs_started=no
  fi
  [ -z "$pgs_dir" ] || rm -rf "$pgs_dir"
  pgs_dir=
}
