#!/bin/sh
# Creates docker/secrets/ for docker-compose.yml: a random PostgreSQL password, the store and
# datastore URLs that use it, and a random first admin password. Existing files are kept.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
[ -f "$dir/postgres_password" ] || random > "$dir/postgres_password"
password=$(cat "$dir/postgres_password")
[ -f "$dir/store_url" ] || printf 'postgres://pgmcp:%s@postgres:5432/pgmcp' "$password" > "$dir/store_url"
[ -f "$dir/database_url" ] || printf 'postgres://pgmcp:%s@postgres:5432/pgmcp' "$password" > "$dir/database_url"
[ -f "$dir/admin_password" ] || random > "$dir/admin_password"
# The containers run as UID 1001 (pgmcp) and 999 (postgres) and must read the files compose mounts;
# on this host the 0700 directory keeps everyone else out.
chmod 0644 "$dir"/*
echo "Secrets are in $dir. The admin password: $(cat "$dir/admin_password")"
