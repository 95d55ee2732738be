# Sourced by e2e/run when E2E_CLUSTER=1: a three-node cluster on loopback for the suite to run
# against. PostgreSQL from Debian's binaries (initdb and pg_ctl into $work/pg, as the postgres user
# when this runs as root, since initdb refuses root), s3proxy (target/s3proxy.jar, fetched by the
# build) over $work/s3, and three opend1 nodes sharing the catalog, the bucket and one cluster
# secret, each with its own port and data directory. The suite talks to the first node only; the
# databases it creates are placed on the least-loaded node, so most of its requests are forwarded.
# Expects e2e/run's $root, $work, $node22 and E2E_* variables; sets E2E_PORT, E2E_BASE,
# E2E_DATA_DIR and E2E_CATALOG (with PGPASSWORD) for the tests, and cluster_pids for the cleanup.

cluster_pids=()
cluster_pg_bin=
cluster_pg_as=()

free_port() {
  "$node22" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Where Debian puts the PostgreSQL server: pg_config's bindir, else the newest version's.
cluster_pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if ! command -v apt-get >/dev/null; then echo "e2e: no PostgreSQL server (initdb) found" >&2; return 1; fi
  echo "e2e: installing postgresql (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
}

cluster_start_postgres() {
  cluster_pg_bin=$(cluster_pg_bindir)
  local pg=$work/pg
  mkdir -p "$pg"
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
    cluster_pg_as=(runuser -u "$user" --)
    chmod 755 "$work"
    chown "$user" "$pg"
  fi
  chmod 700 "$pg"
  PGPASSWORD=e2e-pg-$RANDOM$RANDOM
  export PGPASSWORD
  printf '%s\n' "$PGPASSWORD" >"$pg/pwfile"
  [ "${#cluster_pg_as[@]}" -eq 0 ] || chown "${cluster_pg_as[2]}" "$pg/pwfile"
  "${cluster_pg_as[@]}" "$cluster_pg_bin/initdb" -D "$pg/data" -U opend1 --pwfile="$pg/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; return 1; }
  local port
  port=$(free_port)
  "${cluster_pg_as[@]}" "$cluster_pg_bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
    -o "-p $port -k $pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$pg/server.log" >&2; return 1; }
  "${cluster_pg_as[@]}" "$cluster_pg_bin/createdb" -h "$pg" -p "$port" -U opend1 opend1
  export E2E_CATALOG=postgresql://opend1@127.0.0.1:$port/opend1
}

cluster_start_s3() {
  local port
  port=$(free_port)
  mkdir -p "$work/s3/e2e-cluster"
  cat >"$work/s3.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=e2e-identity
s3proxy.credential=e2e-credential
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
EOF
  if [ ! -f "$root/target/s3proxy.jar" ]; then
    echo "e2e: fetching target/s3proxy.jar (mvn generate-test-resources)" >&2
    (cd "$root" && mvn -B -ntp -q -Dspotless.check.skip=true generate-test-resources) >&2
  fi
  "$JAVA_HOME/bin/java" -Xmx256m -jar "$root/target/s3proxy.jar" --properties "$work/s3.properties" \
    >"$work/s3proxy.log" 2>&1 &
  cluster_pids+=($!)
  cluster_s3=http://127.0.0.1:$port
}

# Node $1 on port $2, data directory $work/node-$1, log $work/node-$1.log.
cluster_start_node() {
  AWS_ACCESS_KEY_ID=e2e-identity AWS_SECRET_ACCESS_KEY=e2e-credential AWS_REGION=us-east-1 \
    OPEND1_CLUSTER_SECRET=$cluster_secret OPEND1_ACCOUNT_ID=$E2E_ACCOUNT_ID OPEND1_API_TOKEN=$E2E_TOKEN \
    "$root/opend1" serve --port "$2" --data-dir "$work/node-$1" --catalog "$E2E_CATALOG" \
    --object-store s3://e2e-cluster/opend1 --object-store-endpoint "$cluster_s3" \
    --advertise-url "http://127.0.0.1:$2" >"$work/node-$1.out" 2>"$work/node-$1.log" &
  cluster_pids+=($!)
}

cluster_start() {
  source "$root/scripts/java-home.sh"
  cluster_start_postgres
  cluster_start_s3
  cluster_secret=e2e-cluster-secret-$RANDOM$RANDOM$RANDOM
  local i ports=()
  for i in 0 1 2; do ports+=("$(free_port)"); done
  # The first node migrates the empty catalog and makes the account; then the other two.
  cluster_start_node 0 "${ports[0]}"
  cluster_wait "http://127.0.0.1:${ports[0]}"
  cluster_start_node 1 "${ports[1]}"
  cluster_start_node 2 "${ports[2]}"
  cluster_wait "http://127.0.0.1:${ports[1]}"
  cluster_wait "http://127.0.0.1:${ports[2]}"
  export E2E_PORT=${ports[0]}
  export E2E_BASE=http://127.0.0.1:${ports[0]}
  export E2E_DATA_DIR=$work/node-0
  export E2E_NODES="http://127.0.0.1:${ports[0]} http://127.0.0.1:${ports[1]} http://127.0.0.1:${ports[2]}"
  echo "e2e: cluster of 3 nodes ($E2E_NODES); the suite talks to the first" >&2
}

# Waits until $1/healthz answers 200 while every process started is alive.
cluster_wait() {
  local _ pid
  for _ in $(seq 1 600); do
    if "$node22" -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1/healthz"; then
      return 0
    fi
    for pid in "${cluster_pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "e2e: a cluster process exited before $1 served" >&2; return 1; }
    done
    sleep 0.2
  done
  echo "e2e: $1 did not become healthy" >&2
  return 1
}

# Stops the nodes (SIGTERM, so each gives its leases back), s3proxy and PostgreSQL.
cluster_stop() {
  local pid
  for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${cluster_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$cluster_pg_bin" ] && [ -d "$work/pg/data" ]; then
    "${cluster_pg_as[@]}" "$cluster_pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

# The last lines of every node's log, for a failed run.
cluster_logs() {
  local f
  for f in "$work"/node-*.log "$work/s3proxy.log" "$work/pg/server.log"; do
    [ -f "$f" ] || continue
    echo "e2e: $f (last 40 lines):" >&2
    tail -n 40 "$f" >&2 || true
  done
}
