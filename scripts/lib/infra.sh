# shellcheck shell=bash
# Shared helpers for starting/stopping the local infrastructure (PostgreSQL,
# Redis) and for managing background processes. Sourced by run-stack.sh and
# test.sh; not meant to be executed directly.
#
# Optional environment:
#   PG_EXTRA_OPTS     extra server options appended to the postgres command
#                     line, e.g. "-c fsync=off -c synchronous_commit=off"
#   REDIS_EXTRA_OPTS  extra redis-server arguments, e.g. "--appendonly no"

# Guard against double sourcing (functions are idempotent, this just saves work).
if [[ -n "${_INFRA_SH_LOADED:-}" ]]; then
    return 0
fi
_INFRA_SH_LOADED=1

# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------

infra_log() {
    printf '[infra] %s\n' "$*" >&2
}

infra_err() {
    printf '[infra] error: %s\n' "$*" >&2
}

# Current time in microseconds. EPOCHREALTIME avoids forking `date` in the
# polling loop; strip the decimal separator (locale dependent: '.' or ',').
_now_us() {
    local t=${EPOCHREALTIME}
    printf '%s' "${t//[!0-9]/}"
}

# wait_until DEADLINE_SECONDS DESCRIPTION CMD...
# Polls CMD (its output is discarded) every 0.1 s until it succeeds. Returns 1
# with a message on stderr once DEADLINE_SECONDS (integer) have passed. CMD
# runs in the current shell, so it may be a shell function.
wait_until() {
    local timeout=$1 desc=$2
    shift 2
    local limit now
    limit=$(( $(_now_us) + timeout * 1000000 ))
    while true; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        now=$(_now_us)
        if (( now >= limit )); then
            infra_err "timed out after ${timeout}s waiting for ${desc}"
            return 1
        fi
        sleep 0.1
    done
}

# port_in_use PORT: true if something listens on TCP PORT (any address).
port_in_use() {
    local out
    out=$(ss -Hltn "sport = :$1" 2>/dev/null) || return 1
    [[ -n "$out" ]]
}

# One candidate port: let the kernel choose (bind to port 0); fall back to a
# random high port checked with ss if python3 is unavailable.
_free_port_candidate() {
    local port
    if port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null) && [[ "$port" =~ ^[0-9]+$ ]]; then
        printf '%s\n' "$port"
        return 0
    fi
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40001 ))
    if port_in_use "$port"; then
        return 1
    fi
    printf '%s\n' "$port"
}

# free_port [EXCLUDED_PORT...]: prints a currently free TCP port on 127.0.0.1.
# Pass ports already handed out (but not yet bound) so that two calls in a row
# never return the same port.
free_port() {
    local port excluded attempt dup
    for (( attempt = 0; attempt < 50; attempt++ )); do
        port=$(_free_port_candidate) || continue
        dup=0
        for excluded in "$@"; do
            if [[ "$port" == "$excluded" ]]; then
                dup=1
                break
            fi
        done
        if (( dup == 0 )); then
            printf '%s\n' "$port"
            return 0
        fi
    done
    infra_err "could not find a free TCP port"
    return 1
}

# pid_alive PID: true if PID exists and is not a zombie (a zombie child still
# answers kill -0 until it is reaped, which would defeat exit polling).
pid_alive() {
    local pid=$1 stat
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || return 1
    stat=${stat##*) }
    [[ "${stat:0:1}" != Z ]]
}

pid_gone() {
    ! pid_alive "$1"
}

# stop_pid PID NAME [TIMEOUT_SECONDS]: SIGTERM, wait up to TIMEOUT (default
# 10 s), then SIGKILL. Reaps the process if it is a child of this shell.
stop_pid() {
    local pid=$1 name=$2 timeout=${3:-10}
    if pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_until "$timeout" "${name} (pid ${pid}) to exit" pid_gone "$pid"; then
            infra_err "${name} did not stop after SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_until 5 "${name} (pid ${pid}) to die" pid_gone "$pid" || true
        fi
    fi
    # Reap if it is our child; not an error if it is not.
    wait "$pid" 2>/dev/null || true
}

# _abs_path PATH: absolute version of PATH (its parent must exist).
_abs_path() {
    local p=$1
    if [[ "$p" != /* ]]; then
        p="$PWD/$p"
    fi
    printf '%s\n' "$p"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

# Locate the newest installed server binaries (e.g. /usr/lib/postgresql/15/bin).
_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        return 0
    fi
    local ver
    # shellcheck disable=SC2012  # plain version directory names like "15"
    ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1) || true
    if [[ -z "$ver" || ! -x "/usr/lib/postgresql/${ver}/bin/pg_ctl" ]]; then
        infra_err "PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/install-deps.sh)"
        return 1
    fi
    PG_BIN="/usr/lib/postgresql/${ver}/bin"
}

# PostgreSQL refuses to run as root: when we are root, run server-side tools as
# the 'postgres' OS user (created by the Debian package; create it if absent).
_pg_ensure_user() {
    (( EUID == 0 )) || return 0
    if ! id -u postgres >/dev/null 2>&1; then
        infra_log "creating system user 'postgres'"
        useradd --system --user-group --no-create-home \
            --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    fi
}

# Run a command as the PostgreSQL OS user. cd / first: initdb/pg_ctl fail when
# the current directory is not accessible to that user.
_as_pg() {
    if (( EUID == 0 )); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# Hand files/dirs we (root) created to the PostgreSQL user.
_pg_chown() {
    if (( EUID == 0 )); then
        chown -R postgres:postgres "$@"
    fi
}

# Fail with a clear hint if the PostgreSQL user cannot reach DIR (e.g. a repo
# under /root, or a 0700 mktemp dir that was not chmod'ed).
_pg_check_traversable() {
    local dir=$1
    if ! _as_pg test -x "$dir"; then
        infra_err "directory ${dir} is not accessible to the 'postgres' OS user;" \
            "make every parent directory world-searchable (chmod o+x) or use a state dir elsewhere"
        return 1
    fi
}

# _pg_running_pid DATADIR: prints the postmaster PID if a server is really
# running on DATADIR. The PID in postmaster.pid may belong to an unrelated
# process after a crash/container restart, so also require that its cwd is the
# data dir (the postmaster chdirs there). DATADIR must be canonical.
_pg_running_pid() {
    local datadir=$1 pid cwd
    [[ -f "$datadir/postmaster.pid" ]] || return 1
    { read -r pid <"$datadir/postmaster.pid"; } 2>/dev/null || return 1
    pid_alive "$pid" || return 1
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
    [[ "$cwd" == "$datadir" ]] || return 1
    printf '%s\n' "$pid"
}

# After an unclean stop (postmaster SIGKILLed) orphaned backends may still be
# attached to the old shared memory for a moment, which makes the new
# postmaster refuse to start. They all have the data dir as their cwd.
_pg_no_orphans() {
    local datadir=$1 p cwd
    for p in /proc/[0-9]*; do
        cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
        if [[ "$cwd" == "$datadir" ]]; then
            return 1
        fi
    done
    return 0
}

_pg_isready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U postgres -d postgres
}

# pg_start DATADIR PORT LOGFILE
# Initializes DATADIR on first use (trust auth, UTF8, no locale), then starts
# the server on 127.0.0.1:PORT. Fsync stays on unless PG_EXTRA_OPTS says
# otherwise. Recovers from a server left running or killed by an earlier run.
pg_start() {
    local datadir port logfile
    datadir=$(_abs_path "$1")
    port=$2
    logfile=$(_abs_path "$3")
    # Explicit "|| return 1": set -e does not apply when the caller uses
    # pg_start in a condition (if/&&/||).
    _pg_bin || return 1
    _pg_ensure_user || return 1

    mkdir -p "$(dirname "$datadir")" "$(dirname "$logfile")" || return 1
    _pg_check_traversable "$(dirname "$datadir")" || return 1
    _pg_check_traversable "$(dirname "$logfile")" || return 1

    # PostgreSQL insists on owning a 0700 data directory.
    mkdir -p "$datadir" || return 1
    datadir=$(cd "$datadir" && pwd -P) || return 1
    if (( EUID == 0 )) && [[ "$(stat -c %U "$datadir")" != postgres ]]; then
        _pg_chown "$datadir" || return 1
    fi
    chmod 700 "$datadir" || return 1
    # pg_ctl opens the log file as the postgres user.
    touch "$logfile" || return 1
    _pg_chown "$logfile" || return 1

    if [[ ! -f "$datadir/PG_VERSION" ]]; then
        infra_log "initializing PostgreSQL data directory ${datadir}"
        if ! _as_pg "$PG_BIN/initdb" -D "$datadir" --auth=trust --username=postgres \
                --encoding=UTF8 --no-locale >>"$logfile" 2>&1; then
            infra_err "initdb failed; see ${logfile}:"
            tail -n 20 "$logfile" >&2 || true
            return 1
        fi
    fi

    # A server still running on this data dir (e.g. the previous run was
    # SIGKILLed) would hold the lock; it may also be on an old port. Restart it.
    if _pg_running_pid "$datadir" >/dev/null; then
        infra_log "PostgreSQL is already running on ${datadir} (left over from an earlier run); restarting it"
        pg_stop "$datadir" || return 1
    fi
    if [[ -f "$datadir/postmaster.pid" ]]; then
        # Stale lock file from a crash: wait for orphaned backends, then drop
        # it (its PID may have been reused by an unrelated process, which
        # would make postgres refuse to start).
        infra_log "removing stale ${datadir}/postmaster.pid left by an unclean shutdown"
        wait_until 15 "orphaned PostgreSQL backends to exit" _pg_no_orphans "$datadir" || true
        rm -f "$datadir/postmaster.pid"
    fi

    # Unix socket in the data dir (never /var/run/postgresql, which belongs to
    # the system cluster). sun_path is limited to 107 bytes: disable the
    # socket for very deep paths, we only use TCP anyway.
    local sockdir="$datadir"
    if (( ${#datadir} + 20 > 107 )); then
        sockdir=""
    fi
    local opts="-p ${port} -c listen_addresses=127.0.0.1 -k '${sockdir}' ${PG_EXTRA_OPTS:-}"

    if ! _as_pg "$PG_BIN/pg_ctl" -D "$datadir" -l "$logfile" -o "$opts" -w -t 60 -s start; then
        infra_err "PostgreSQL failed to start on port ${port}; last lines of ${logfile}:"
        tail -n 20 "$logfile" >&2 || true
        return 1
    fi
    if ! wait_until 30 "PostgreSQL on 127.0.0.1:${port}" _pg_isready "$port"; then
        tail -n 20 "$logfile" >&2 || true
        return 1
    fi
}

# pg_stop DATADIR: fast shutdown (rolls back open transactions, checkpoints);
# silently does nothing if the server is not running.
pg_stop() {
    local datadir=$1
    [[ -f "$datadir/postmaster.pid" ]] || return 0
    datadir=$(cd "$datadir" && pwd -P) || return 1
    _pg_bin || return 1
    local pid
    pid=$(_pg_running_pid "$datadir") || return 0
    if ! _as_pg "$PG_BIN/pg_ctl" -D "$datadir" -m fast -w -t 30 -s stop; then
        infra_err "PostgreSQL fast shutdown timed out; forcing immediate shutdown"
        _as_pg "$PG_BIN/pg_ctl" -D "$datadir" -m immediate -w -t 30 -s stop || true
    fi
    # pg_ctl returns once postmaster.pid is gone, a moment before the
    # postmaster process itself exits; callers expect it to be gone.
    wait_until 10 "PostgreSQL postmaster (pid ${pid}) to exit" pid_gone "$pid" || true
}

# pg_crash DATADIR: immediate shutdown, as a crash would end the server (no
# checkpoint; the next pg_start recovers from the WAL). For fault tests.
pg_crash() {
    local datadir=$1
    _pg_bin || return 1
    _as_pg "$PG_BIN/pg_ctl" -D "$datadir" -m immediate -w -t 30 -s stop
}

# pg_ensure_db PORT NAME: create database NAME unless it exists.
pg_ensure_db() {
    local port=$1 name=$2 exists
    _pg_bin || return 1
    # NAME is interpolated into SQL: only allow plain identifiers.
    if [[ ! "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        infra_err "invalid database name: ${name}"
        return 1
    fi
    exists=$("$PG_BIN/psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='${name}'") || return 1
    if [[ "$exists" != 1 ]]; then
        infra_log "creating database ${name}"
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name" || return 1
    fi
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

# True if PID is a live redis-server (guards against PID reuse).
_pid_is_redis() {
    local pid=$1 cmd
    pid_alive "$pid" || return 1
    { cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline"); } 2>/dev/null || return 1
    [[ "$cmd" == *redis-server* ]]
}

_redis_pong() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]
}

# Ready, or dead (so wait_until stops early and the caller reports it).
_redis_ready_or_dead() {
    pid_gone "$2" || _redis_pong "$1"
}

# redis_start DIR PORT LOGFILE
# Runs redis-server in the background (not daemonized, so its PID is ours and
# is recorded in DIR/redis.pid). setsid keeps a terminal Ctrl-C from reaching
# it directly: the caller stops it after the services that use it.
redis_start() {
    local dir port logfile pid
    dir=$(_abs_path "$1")
    port=$2
    logfile=$(_abs_path "$3")
    mkdir -p "$dir" "$(dirname "$logfile")" || return 1
    if ! command -v redis-server >/dev/null 2>&1; then
        infra_err "redis-server not found (run scripts/install-deps.sh)"
        return 1
    fi

    # Left over from an earlier run that could not clean up: it owns the AOF.
    if [[ -f "$dir/redis.pid" ]]; then
        pid=$(<"$dir/redis.pid")
        if _pid_is_redis "$pid"; then
            infra_log "Redis (pid ${pid}) is still running on ${dir} from an earlier run; stopping it"
        fi
        redis_stop "$dir"
    fi

    local extra=()
    read -r -a extra <<<"${REDIS_EXTRA_OPTS:-}"
    # stdout/stderr also go to the log: startup errors happen before redis
    # opens --logfile (both append, so sharing the file is fine).
    # shellcheck disable=SC2094
    setsid redis-server \
        --port "$port" --bind 127.0.0.1 --dir "$dir" \
        --appendonly yes --save '' --protected-mode yes \
        --daemonize no --logfile "$logfile" \
        "${extra[@]}" </dev/null >>"$logfile" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$dir/redis.pid" || return 1

    if ! wait_until 15 "Redis on 127.0.0.1:${port}" _redis_ready_or_dead "$port" "$pid" \
            || ! pid_alive "$pid"; then
        infra_err "Redis failed to start on port ${port}; last lines of ${logfile}:"
        tail -n 20 "$logfile" >&2 || true
        redis_stop "$dir"
        return 1
    fi
}

# redis_stop DIR: SIGTERM the recorded redis-server (it flushes the AOF on
# shutdown), wait for it to exit, remove the pid file.
redis_stop() {
    local dir pid
    dir=$(_abs_path "$1")
    [[ -f "$dir/redis.pid" ]] || return 0
    pid=$(<"$dir/redis.pid")
    if _pid_is_redis "$pid"; then
        stop_pid "$pid" redis-server 15
    elif [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        # Exists but not alive: a zombie (it died on its own); reap it if it
        # is our child.
        wait "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/redis.pid"
}
