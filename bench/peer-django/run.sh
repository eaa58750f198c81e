#!/usr/bin/env bash
# Runs the Django peer on 127.0.0.1:PORT: applies its migrations, then execs gunicorn (so a
# SIGTERM sent to this script's pid reaches gunicorn's master, which stops its workers
# gracefully).
#
#   PEER_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/peer bench/peer-django/run.sh 8001
#
# Environment:
#   PEER_DATABASE_URL  required: postgresql://user[:password]@host:port/dbname
#   PEER_SECRET_KEY    optional: signs the JWTs (HS256); a fixed dev string otherwise
#   PEER_PIDFILE       optional: gunicorn writes its master pid there
#   PEER_WORKERS       optional: number of sync workers; 2 x cores + 1 otherwise
set -euo pipefail

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 PORT" >&2
    exit 2
fi
port=$1
if [[ -z "${PEER_DATABASE_URL:-}" ]]; then
    echo "$0: PEER_DATABASE_URL is not set" >&2
    exit 2
fi

cd "$(dirname "$0")"
export DJANGO_SETTINGS_MODULE=peer.settings

# Debian's Django, DRF and simplejwt live in /usr/lib/python3/dist-packages: use Debian's
# interpreter (and /usr/bin/gunicorn, which runs on it), never a python3 that happens to
# come first on PATH.
/usr/bin/python3 manage.py migrate --noinput

workers=${PEER_WORKERS:-$(( 2 * $(nproc) + 1 ))}
args=(
    --bind "127.0.0.1:${port}"
    --worker-class sync
    --workers "$workers"
    --timeout 30
    --graceful-timeout 10
    --log-level warning
)
if [[ -n "${PEER_PIDFILE:-}" ]]; then
    args+=(--pid "$PEER_PIDFILE")
fi
# No --access-logfile: gunicorn writes no access log unless asked to.
exec /usr/bin/gunicorn "${args[@]}" peer.wsgi:application
