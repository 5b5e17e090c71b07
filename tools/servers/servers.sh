#!/usr/bin/env bash
# Real servers for tests without Docker: a Kafka broker (KRaft, from Maven Central) and a MongoDB-wire server
# (mongo-java-server, in memory). Used by .ci/run and by developers alike. See tools/servers/README.md.
#
#   tools/servers/servers.sh start [kafka] [mongo]   fetch if needed, start in the background, wait until ready
#   tools/servers/servers.sh stop  [kafka] [mongo]   SIGTERM, then SIGKILL after 10 s
#   tools/servers/servers.sh status [kafka] [mongo]  exit status 0 only if all of them are running
#   tools/servers/servers.sh env                     eval "$(tools/servers/servers.sh env)"
#   tools/servers/servers.sh fetch [kafka] [mongo]   only download/compile into the cache
#
# No server named means both. Downloads live in the cache and survive fresh clones. Every start that launches a
# server gives it fresh, empty data; a server already running and healthy is left as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${BATCHYARD_CACHE:-$HOME/.cache/batchyard}
RUN_DIR=${BATCHYARD_RUN_DIR:-$CACHE/run}
HOST=127.0.0.1
KAFKA_PORT=${BATCHYARD_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${BATCHYARD_KAFKA_CONTROLLER_PORT:-9093}
MONGO_PORT=${BATCHYARD_MONGO_PORT:-27017}
KAFKA_WAIT_S=${BATCHYARD_KAFKA_WAIT_S:-90}
MONGO_WAIT_S=${BATCHYARD_MONGO_WAIT_S:-30}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVAC=${JAVA_HOME:+$JAVA_HOME/bin/}javac
# The project's Node 24 when installed (npm ci), else whatever node is on PATH.
NODE=$ROOT/node_modules/.bin/node
[[ -x $NODE ]] || NODE=node

say() { printf '[servers] %s\n' "$*"; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f s", e - s }'; }

# Pid files hold the JVM's pid; the command line check guards against a recycled pid.
pid_of() { # name -> prints pid if that server is running
  local f=$RUN_DIR/$1/$1.pid pid marker
  [[ $1 == kafka ]] && marker=kafka.Kafka || marker=mongo/classes
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o args= | grep -q "$marker" || return 1
  echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

show_logs() { # name: the end of every log of that server, to stderr
  local f
  for f in "$RUN_DIR/$1"/*.log; do
    [[ -s $f ]] || continue
    printf '\n----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

# --- fetch: jars from Maven Central into the cache, redone only when the pom (or launcher) changes ---------------

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

mvn_copy() { # pom, output dir
  need mvn "install Maven 3.8+ (apt-get install maven); it fetches the server jars from Maven Central"
  local tmp=$2.tmp.$$
  # Into a temporary dir, then renamed: an interrupted fetch never leaves a half-filled libs dir.
  # Output to a file: even -q -B leaves stray colour codes; shown only on failure.
  if ! mvn -q -B -f "$1" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    tail -n 40 "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "mvn could not fetch the dependencies of $1 (needs Maven Central, or the jars already in ~/.m2)"
  fi
  rm -rf "$2" "$tmp.log" && mv "$tmp" "$2"
}

fetch_kafka() {
  local dir=$CACHE/kafka stamp t
  stamp=$(stamp_of "$ROOT/tools/kafka/pom.xml")
  [[ -d $dir/libs && -f $dir/stamp && $(<"$dir/stamp") == "$stamp" ]] && return 0
  t=$(now); say "fetching Kafka jars into $dir/libs"
  mkdir -p "$dir" && rm -f "$dir/stamp"
  mvn_copy "$ROOT/tools/kafka/pom.xml" "$dir/libs"
  echo "$stamp" >"$dir/stamp"
  say "fetched Kafka in $(since "$t")"
}

fetch_mongo() {
  local dir=$CACHE/mongo stamp t
  stamp=$(stamp_of "$ROOT/tools/mongo/pom.xml" "$ROOT/tools/mongo/Launcher.java")
  [[ -d $dir/classes && -f $dir/stamp && $(<"$dir/stamp") == "$stamp" ]] && return 0
  t=$(now); say "fetching mongo-java-server jars into $dir/libs and compiling the launcher"
  need "$JAVAC" "install a JDK 17+ (not just a JRE); it compiles tools/mongo/Launcher.java"
  mkdir -p "$dir" && rm -f "$dir/stamp"
  mvn_copy "$ROOT/tools/mongo/pom.xml" "$dir/libs"
  rm -rf "$dir/classes"
  "$JAVAC" -nowarn -d "$dir/classes" -cp "$dir/libs/*" "$ROOT/tools/mongo/Launcher.java" ||
    die "javac failed on tools/mongo/Launcher.java"
  echo "$stamp" >"$dir/stamp"
  say "fetched mongo-java-server in $(since "$t")"
}

# --- launch: fresh run dir, start the JVM in the background ----------------------------------------------------

check_free() { # name, port...
  local p
  for p in "${@:2}"; do
    port_busy "$p" && die "$1: port $HOST:$p is already in use by another process (set BATCHYARD_${1^^}_PORT)"
  done
  return 0
}

launch_kafka() {
  local dir=$RUN_DIR/kafka libs=$CACHE/kafka/libs cluster_id
  check_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
  rm -rf "$dir" && mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.cleaner.dedupe.buffer.size=2097152
EOF
  # reload4j config: the broker logs to server.log, not to the terminal.
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
EOF
  local -a jvm=(-Dlog4j.configuration="file:$dir/log4j.properties" -cp "$libs/*")
  # A KRaft cluster id is 16 random bytes in unpadded base64url; saves a JVM start over `StorageTool random-uuid`.
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${jvm[@]}" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$dir/server.properties" --ignore-formatted >"$dir/format.log" 2>&1 ||
    { tail -n 40 "$dir/format.log" >&2; die "kafka: formatting the storage failed (see $dir)"; }
  nohup "$JAVA" -Xms128m -Xmx512m -XX:+UseSerialGC "${jvm[@]}" kafka.Kafka "$dir/server.properties" \
    </dev/null >"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
}

launch_mongo() {
  local dir=$RUN_DIR/mongo
  check_free mongo "$MONGO_PORT"
  rm -rf "$dir" && mkdir -p "$dir"
  # Every database lives in the heap until the tests drop it: at 512 MB a suite's big jobs left the JVM in back-to-back
  # full collections (every client timing out), so it gets room; ParallelGC keeps the pauses short on 2 cores.
  nohup "$JAVA" -Xms256m -Xmx${BATCHYARD_MONGO_HEAP:-4g} -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$CACHE/mongo/classes:$CACHE/mongo/libs/*" Launcher "$MONGO_PORT" "$HOST" \
    </dev/null >"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/mongo.pid"
}

# --- readiness: a real client round trip (kafkajs describeCluster, mongodb ping) -------------------------------

probe() { # name, budget seconds [, pid: give up as soon as it dies]
  local url
  [[ $1 == kafka ]] && url=$HOST:$KAFKA_PORT || url=mongodb://$HOST:$MONGO_PORT/batchyard
  # --no-warnings: kafkajs prints a harmless TimeoutNegativeWarning on Node 24.
  "$NODE" --no-warnings "$ROOT/tools/servers/wait-$1.mjs" "$url" "$2" "${3:-}"
}

# --- commands -------------------------------------------------------------------------------------------------

servers_of() { # the servers named on the command line, or both
  local s
  (($#)) || set -- kafka mongo
  for s in "$@"; do [[ $s == kafka || $s == mongo ]] || die "unknown server '$s' (kafka, mongo)"; done
  echo "$@"
}

cmd_fetch() {
  local s list
  list=$(servers_of "$@")
  for s in $list; do "fetch_$s"; done
}

cmd_start() {
  local s pid t list todo=()
  list=$(servers_of "$@")
  need "$JAVA" "install Java 17+ (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
  need "$NODE" "run npm ci first (it installs Node 24 and the kafkajs/mongodb clients the readiness probes use)"
  for s in $list; do
    if pid=$(pid_of "$s"); then
      if probe "$s" 5 "$pid" >/dev/null 2>&1; then say "$s already running and healthy (pid $pid)"; continue; fi
      say "$s (pid $pid) is running but not answering: restarting it"
      cmd_stop "$s"
    fi
    "fetch_$s"
    todo+=("$s")
  done
  # Launch everything first, then wait: the JVMs boot in parallel. Mongo first: it boots while Kafka formats.
  [[ ${todo[*]} == "kafka mongo" ]] && todo=(mongo kafka)
  t=$(now)
  for s in "${todo[@]}"; do "launch_$s"; done
  for s in "${todo[@]}"; do
    local budget=$KAFKA_WAIT_S
    [[ $s == mongo ]] && budget=$MONGO_WAIT_S
    if ! probe "$s" "$budget" "$(<"$RUN_DIR/$s/$s.pid")"; then
      show_logs "$s"
      cmd_stop "$s" >/dev/null 2>&1 || true
      die "$s did not become ready (logs above, run dir $RUN_DIR/$s)"
    fi
    say "$s ready on $HOST:$([[ $s == kafka ]] && echo "$KAFKA_PORT" || echo "$MONGO_PORT") after $(since "$t") (pid $(<"$RUN_DIR/$s/$s.pid"), logs in $RUN_DIR/$s)"
  done
}

cmd_stop() {
  local s pid i list pids=()
  list=$(servers_of "$@")
  # SIGTERM to all first, so they shut down in parallel (Kafka's controlled shutdown takes 2-4 s).
  for s in $list; do
    if pid=$(pid_of "$s"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$s:$pid")
    else
      rm -f "$RUN_DIR/$s/$s.pid"
      say "$s not running"
    fi
  done
  for s in "${pids[@]}"; do
    pid=${s#*:} s=${s%%:*}
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$s (pid $pid) still up 10 s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$RUN_DIR/$s/$s.pid"
    say "$s stopped"
  done
}

cmd_status() { # exit status 0 only if every named server (default both) is running
  local s pid port list rc=0
  list=$(servers_of "$@")
  for s in $list; do
    [[ $s == kafka ]] && port=$KAFKA_PORT || port=$MONGO_PORT
    if pid=$(pid_of "$s"); then
      if port_busy "$port"; then say "$s: running, pid $pid, $HOST:$port, logs in $RUN_DIR/$s"
      else say "$s: pid $pid alive but $HOST:$port not listening yet"; rc=1; fi
    else
      say "$s: stopped"; rc=1
    fi
  done
  return $rc
}

cmd_env() {
  echo "export KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  echo "export MONGO_URL=mongodb://$HOST:$MONGO_PORT/batchyard"
}

cmd=${1:-}
(($#)) && shift
case $cmd in
  start | stop | status | env | fetch) "cmd_$cmd" "$@" ;;
  *) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
