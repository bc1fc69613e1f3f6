#!/usr/bin/env bash
# A throwaway MariaDB for the MySQL tests: installs Debian's mariadb-server when missing, starts mariadbd
# on 127.0.0.1 on a free port with a temporary data directory and a self-signed CA for TLS, creates the
# test users and database, runs the given command with ZTS_MYSQL_* set, and stops the server when the
# command ends (also when it fails or is interrupted). Only 127.0.0.1 is ever used.
#
# Usage: bash tests/mysql/server.sh COMMAND [ARGS...]     e.g. ... cargo test --release --test mysql
#        bash tests/mysql/server.sh restart                kill -9 the running test server and start it again
#                                                          (ZTS_MYSQL_DIR must be set, as in COMMAND's env)
# The command sees:
#   ZTS_MYSQL_URL       mysql://zts:…@127.0.0.1:PORT/zts_test  (all rights on zts_test and zts_other)
#   ZTS_MYSQL_RO_URL    a user that may only SELECT in zts_test
#   ZTS_MYSQL_TLS_URL   a user that may only connect over TLS
#   ZTS_MYSQL_ODD_PASSWORD  the password of user zts_odd, with @ : / % and a space in it
#   ZTS_MYSQL_HOST, ZTS_MYSQL_PORT, ZTS_MYSQL_CA (the CA that signed the server's certificate),
#   ZTS_MYSQL_OTHER_CA (a CA that did not), ZTS_MYSQL_DIR (the temporary directory)
set -euo pipefail

start_server() {
    local dir=$1
    # A fresh mariadbd as root on 127.0.0.1 only; no networking name lookups, small buffers.
    mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$dir/mysqld.sock" \
        --pid-file="$dir/mysqld.pid" --log-error="$dir/mysqld.log" \
        --bind-address=127.0.0.1 --port="$(cat "$dir/port")" --skip-name-resolve \
        --innodb-buffer-pool-size=64M --max-connections=300 \
        --ssl-ca="$dir/ca.pem" --ssl-cert="$dir/server.pem" --ssl-key="$dir/server.key" \
        >>"$dir/mysqld.out" 2>&1 </dev/null &
    echo $! >"$dir/mysqld.pid.launch"
    disown
    for _ in $(seq 1 600); do
        if mariadb-admin --no-defaults -S "$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "mariadbd did not start; its log:" >&2
    tail -30 "$dir/mysqld.log" >&2
    return 1
}

stop_server() {
    local dir=$1 pid
    pid=$(cat "$dir/mysqld.pid.launch" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

if [ "${1:-}" = restart ]; then
    dir=${ZTS_MYSQL_DIR:?ZTS_MYSQL_DIR is not set}
    pid=$(cat "$dir/mysqld.pid.launch")
    kill -9 "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    start_server "$dir" >/dev/null
    exit 0
fi
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...] | restart" >&2; exit 2; }

if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    echo "installing mariadb-server (Debian)"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
fi
command -v openssl >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q openssl >/dev/null; }

dir=$(mktemp -d /tmp/zts-mariadb.XXXXXX)
cleanup() {
    stop_server "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
port=$(cat "$dir/port")

# A self-signed CA, a server certificate it signs for 127.0.0.1 and localhost, and an unrelated CA.
(
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=zts test CA" -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=zts other CA" -keyout other.key -out other-ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
        -out server.pem 2>/dev/null
)

mariadb-install-db --no-defaults --user=root --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
start_server "$dir"

password="zts-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
odd_password='p@ss:w/rd% x'
mariadb --no-defaults -S "$dir/mysqld.sock" -uroot <<SQL
CREATE DATABASE zts_test CHARACTER SET utf8mb4;
CREATE DATABASE zts_other CHARACTER SET utf8mb4;
CREATE USER 'zts'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL ON zts_test.* TO 'zts'@'127.0.0.1';
GRANT ALL ON zts_other.* TO 'zts'@'127.0.0.1';
CREATE USER 'zts_ro'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT SELECT ON zts_test.* TO 'zts_ro'@'127.0.0.1';
CREATE USER 'zts_odd'@'127.0.0.1' IDENTIFIED BY '$odd_password';
GRANT ALL ON zts_test.* TO 'zts_odd'@'127.0.0.1';
CREATE USER 'zts_tls'@'127.0.0.1' IDENTIFIED BY '$password' REQUIRE SSL;
GRANT ALL ON zts_test.* TO 'zts_tls'@'127.0.0.1';
SQL

export ZTS_MYSQL_DIR=$dir ZTS_MYSQL_HOST=127.0.0.1 ZTS_MYSQL_PORT=$port
export ZTS_MYSQL_URL="mysql://zts:$password@127.0.0.1:$port/zts_test"
export ZTS_MYSQL_RO_URL="mysql://zts_ro:$password@127.0.0.1:$port/zts_test"
export ZTS_MYSQL_TLS_URL="mysql://zts_tls:$password@127.0.0.1:$port/zts_test"
export ZTS_MYSQL_ODD_PASSWORD=$odd_password
export ZTS_MYSQL_CA=$dir/ca.pem ZTS_MYSQL_OTHER_CA=$dir/other-ca.pem
echo "mariadb $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
status=0
"$@" || status=$?
exit $status
