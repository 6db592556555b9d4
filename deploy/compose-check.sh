#!/usr/bin/env bash
# The compose check: docker-compose.yml, with the offline images of docker-compose.offline.yml, up under a real
# container engine (podman + podman-compose), a generated data set replayed through the ingest service, every stage
# crashed once and restarted, and nothing lost:
#
#   1. loads image/target/wnd-image.tar and wnd-kafka-image.tar into podman (builds them first when missing, or
#      with --build), generates a data set with `wnd generate` (in a container);
#   2. brings kafka and schema-registry up, then features, learner and scorer, then ingest, waiting for each
#      service's own health check (run with `podman exec`, as the compose file declares it);
#   3. sends JSON score requests from the host with kcat to the published port (127.0.0.1:29092), in waves before,
#      during and after the crashes;
#   4. crashes each stage once while records flow: SIGKILL to the container's process from the host (what a crash
#      or an OOM kill does); the restart policy of features, learner and scorer (unless-stopped) brings them back;
#      ingest (a one-shot job, restart "no") is started again with `podman-compose start ingest` and resumes;
#   5. asserts: ingest exits 0; every (display_id, ad_id) on `examples` exactly once and as many as the data set's
#      clicks_train rows; every score request answered; the learner's model versions on `model-versions` in
#      strictly increasing generations, its last checkpoint (written on SIGTERM) trained on exactly the TRAIN
#      examples, the checkpoint directories in the volume the announced ones; each restarted service healthy;
#   6. ends with `podman-compose down -v` (also on failure, unless --keep).
#
# Usage: deploy/compose-check.sh [--build] [--keep]
# Needs root, podman (with runc), podman-compose, docker-compose (renders the merged file: podman-compose 1.0.3
# appends lists when it merges files, so it cannot take an override of a health check), kcat, python3 with yaml.
# Where they are missing, or podman cannot run a container, it says why on one line and exits 0 (skipped).
# Environment: WND_CHECK_DISPLAYS (2000), WND_CHECK_SPEED (20000), WND_CHECK_PROJECT (wndcheck).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
T0=$(date +%s)
PROJECT="${WND_CHECK_PROJECT:-wndcheck}"
DISPLAYS="${WND_CHECK_DISPLAYS:-2000}"
SPEED="${WND_CHECK_SPEED:-20000}"
BOOTSTRAP=127.0.0.1:29092
BUILD=false
KEEP=false
for arg in "$@"; do
  case "$arg" in
    --build) BUILD=true ;;
    --keep) KEEP=true ;;
    *) echo "usage: $0 [--build] [--keep]" >&2; exit 2 ;;
  esac
done

log() { printf '[compose-check %3ds] %s\n' $(($(date +%s) - T0)) "$*"; }
skip() { echo "compose-check: skipped: $*"; exit 0; }

# ---- can a container engine run here? -------------------------------------------------------------------------
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || skip "the images are linux-x86_64"
[ "$(id -u)" = 0 ] || skip "needs root (podman runs the containers as root here; docs/deployment.md)"
for tool in podman podman-compose docker-compose kcat python3; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (.ci/run installs it from Debian)"
done
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"

WORK="$(mktemp -d /tmp/wnd-compose-check.XXXXXX)"
# The two settings podman 4.3 needs on these machines (docs/deployment.md): runc, because crun fails on hybrid
# cgroups, and no default ulimits, which an unprivileged parent cannot raise. A CONTAINERS_CONF set by the caller
# wins.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' > "$WORK/containers.conf"
  export CONTAINERS_CONF="$WORK/containers.conf"
fi
# The smallest container: /bin/true on a root file system of its own files.
mkdir -p "$WORK/probe/bin"
cp /bin/true "$WORK/probe/bin/"
for lib in $(ldd /bin/true | grep -o '/[^ ]*'); do mkdir -p "$WORK/probe$(dirname "$lib")"; cp -L "$lib" "$WORK/probe$lib"; done
if ! podman run --rm --network none --rootfs "$WORK/probe" /bin/true > "$WORK/probe.log" 2>&1; then
  reason="$(grep -v '^$' "$WORK/probe.log" | tail -1)"
  rm -rf "$WORK"
  skip "podman cannot run a container here: ${reason:-unknown}"
fi
for port in 29092 8081; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    rm -rf "$WORK"
    echo "compose-check: FAILED: port 127.0.0.1:$port is taken; the compose file publishes it" >&2
    exit 1
  fi
done

ctr() { echo "${PROJECT}_$1_1"; }
pc() { (cd "$WORK" && podman-compose -p "$PROJECT" -f "$WORK/compose.yml" "$@") >> "$WORK/podman-compose.log" 2>&1; }

cleanup() {
  local rc=$?
  if [ "$KEEP" = true ]; then
    log "kept: project $PROJECT and $WORK (podman-compose -p $PROJECT -f $WORK/compose.yml down -v)"
    return
  fi
  if [ -f "$WORK/compose.yml" ]; then
    pc down -v -t 5 || true
  fi
  # What an interrupted podman-compose may have left behind.
  podman ps -aq --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman rm -f >/dev/null 2>&1 || true
  podman volume ls -q | grep "^${PROJECT}_" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $rc
}

diagnostics() {
  for service in kafka schema-registry ingest features learner scorer; do
    echo "---- $service: $(podman inspect -f '{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' \
      "$(ctr "$service")" 2>/dev/null || echo 'no container')"
    podman logs --tail 25 "$(ctr "$service")" 2>&1 | cut -c1-300 || true
  done
  echo "---- podman-compose"
  tail -20 "$WORK/podman-compose.log" 2>/dev/null || true
}

fail() {
  echo "compose-check: FAILED: $*" >&2
  diagnostics >&2
  exit 1
}
trap cleanup EXIT

# A project left over from an interrupted run.
podman ps -aq --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman rm -f >/dev/null 2>&1 || true
podman volume ls -q | grep "^${PROJECT}_" | xargs -r podman volume rm -f >/dev/null 2>&1 || true

# ---- images --------------------------------------------------------------------------------------------------
if [ "$BUILD" = true ] || [ ! -f image/target/wnd-image.tar ] || [ ! -f image/target/wnd-kafka-image.tar ]; then
  log "building the images (./mvnw -pl image -am package -DskipTests)"
  ./mvnw -B -q -ntp -pl image -am package -DskipTests > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "the image build failed"; }
fi
for tar in image/target/wnd-image.tar image/target/wnd-kafka-image.tar; do
  name="$(tar -xOf "$tar" manifest.json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["RepoTags"][0])')"
  before="$(podman image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)"
  podman load -i "$tar" > "$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; fail "podman load -i $tar"; }
  after="$(podman image inspect -f '{{.Id}}' "$name")"
  # The image this tag named before, if no container uses it: each run would leave one otherwise.
  if [ -n "$before" ] && [ "$before" != "$after" ]; then podman rmi "$before" > /dev/null 2>&1 || true; fi
  log "loaded $name from $tar"
done

# ---- data set ------------------------------------------------------------------------------------------------
mkdir -p "$WORK/data"
chmod 777 "$WORK/data"
podman run --rm --network none -v "$WORK/data:/data" wnd:0.1.0 generate --out /data --displays "$DISPLAYS" --seed 11 \
  > "$WORK/generate.log" 2>&1 || { cat "$WORK/generate.log"; fail "wnd generate"; }
TRAIN_ROWS=$(($(wc -l < "$WORK/data/clicks_train.csv") - 1))
log "data set: $DISPLAYS displays, $TRAIN_ROWS clicks_train rows ($(grep -o '([^)]*train[^)]*)' "$WORK/generate.log"))"

# ---- the compose file ----------------------------------------------------------------------------------------
INGEST_DATA_DIR="$WORK/data" WND_PUBLISH_ADDRESS=127.0.0.1 WND_CHECK_SPEED="$SPEED" docker-compose -p "$PROJECT" \
  -f docker-compose.yml -f docker-compose.offline.yml -f deploy/compose-check.yml config > "$WORK/compose.yml" \
  || fail "docker-compose config"
# Each service's health check as the argument vector to exec (CMD) or a shell line (CMD-SHELL), as Docker runs it.
# podman-compose 1.0.3 hands podman every check as a shell line, which images without a shell cannot run, and
# podman runs checks on a systemd timer, which these machines lack: the check runs them itself.
python3 - "$WORK/compose.yml" > "$WORK/health.tsv" <<'PY'
import json, sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
for name, service in services.items():
    test = service.get("healthcheck", {}).get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    if not test or test[0] == "NONE":
        continue
    argv = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
    print(name + "\t" + json.dumps(argv))
PY

healthy() {
  local argv
  argv="$(awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$WORK/health.tsv")"
  [ -n "$argv" ] || fail "$1 declares no health check"
  python3 -c 'import json, sys; print("\0".join(json.loads(sys.argv[1])), end="")' "$argv" \
    | xargs -0 podman exec "$(ctr "$1")" > "$WORK/health-$1.log" 2>&1
}

await_healthy() {
  local service=$1 timeout=$2 deadline=$(($(date +%s) + $2))
  until healthy "$service"; do
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$WORK/health-$service.log"; fail "$service not healthy after ${timeout}s"; }
    sleep 3
  done
  log "$service healthy: $(tail -1 "$WORK/health-$service.log" | cut -c1-120)"
}

# ---- reading the topics from the host, with kcat -------------------------------------------------------------
# Values are framed as "<length> <bytes>" (kcat's %S and %s), so binary Avro values pass intact; decode.py reads
# the Confluent wire format (magic byte, schema id) and the Avro fields the assertions need.
cat > "$WORK/decode.py" <<'PY'
import json, sys

def records(data):
    i = 0
    while i < len(data):
        j = data.index(b" ", i)
        size = int(data[i:j])
        i = j + 1
        if size >= 0:
            yield data[i:i + size]
            i += size

def long_(b, i):  # Avro long/int/enum: zig-zag varint
    shift = value = 0
    while True:
        c = b[i]; i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return (value >> 1) ^ -(value & 1), i

def string(b, i):
    n, i = long_(b, i)
    return b[i:i + n].decode(), i + n

mode, data = sys.argv[1], sys.stdin.buffer.read()
if mode == "examples":  # Example: display_id, ad_id, timestamp, label, split (TRAIN=0), ...
    total, pairs, train = 0, set(), 0
    for r in records(data):
        assert r[0] == 0, "not the Confluent wire format"
        i = 5
        display, i = long_(r, i); ad, i = long_(r, i); _, i = long_(r, i); _, i = long_(r, i); split, i = long_(r, i)
        total += 1; pairs.add((display, ad)); train += split == 0
    print(json.dumps({"total": total, "distinct": len(pairs), "train": train}))
elif mode == "versions":  # ModelVersion: version, path, spec_hash, examples_trained, ...
    versions = []
    for r in records(data):
        i = 5
        version, i = string(r, i); _, i = string(r, i); _, i = string(r, i); trained, i = long_(r, i)
        versions.append({"version": version, "generation": int(version.split("-")[1]), "examples_trained": trained})
    print(json.dumps(versions))
elif mode == "answers":  # JSON: {"display_id": ..., "model_version": ..., "ads": [...]}
    answers = [json.loads(r) for r in records(data)]
    print(json.dumps({"total": len(answers), "display_ids": sorted({a["display_id"] for a in answers}),
                      "models": sorted({a["model_version"].split("-")[0] for a in answers})}))
PY
topic() { # topic NAME MODE: every committed record of the topic, decoded
  kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q -f '%S %s' 2>> "$WORK/kcat.log" | python3 "$WORK/decode.py" "$2"
}
end_offset() {
  kcat -Q -b "$BOOTSTRAP" -t "$1:0:-1" 2>/dev/null | awk '{ print $NF }' || echo 0
}
json() { python3 -c "import json, sys; d = json.loads(sys.argv[1]); print($2)" "$1"; }

SENT=0
send_requests() { # send_requests N: N JSON score requests keyed by uuid, display ids 900000001.. in order
  local n=$1 from=$((SENT + 1))
  for i in $(seq "$from" $((SENT + n))); do
    printf 'check-%d|{"display_id": %d, "uuid": "check-%d", "document_id": 1, "timestamp": 61, "platform": "1", "geo_location": "US>CA>807", "ad_ids": [1, 2, 3]}\n' \
      "$i" $((900000000 + i)) "$i"
  done | kcat -P -b "$BOOTSTRAP" -t score-requests.json -K'|' 2>> "$WORK/kcat.log" || fail "kcat could not send score requests"
  SENT=$((SENT + n))
}

# ---- crashes -------------------------------------------------------------------------------------------------
crash() { # SIGKILL to the container's process from the host: a crash. (podman kill would count as a stop by the
          # operator, which no restart policy undoes.)
  local service=$1 pid
  pid="$(podman inspect -f '{{.State.Pid}}' "$(ctr "$service")")"
  [ "$pid" -gt 0 ] || fail "$service is not running"
  kill -KILL "$pid"
  log "crashed $service (SIGKILL to pid $pid)"
}
await_restarted() { # the restart policy brought the service back: running again, one restart
  local service=$1 deadline=$(($(date +%s) + 60))
  until [ "$(podman inspect -f '{{.State.Status}} {{.RestartCount}}' "$(ctr "$service")")" = "running 1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$service was not restarted by its restart policy"
    sleep 1
  done
  log "$service restarted by its restart policy (unless-stopped)"
}

# ---- the run -------------------------------------------------------------------------------------------------
log "up: kafka, schema-registry"
pc up -d kafka || fail "podman-compose up kafka"
await_healthy kafka 120
pc up -d schema-registry || fail "podman-compose up schema-registry"
await_healthy schema-registry 120
# podman-compose 1.0.3 does not wait for depends_on conditions (service_healthy); the check starts in their order.
log "up: features, learner, scorer"
pc up -d features learner scorer || fail "podman-compose up features learner scorer"
for service in features learner scorer; do await_healthy "$service" 240; done

send_requests 25
log "sent $SENT score requests (before any data)"

log "up: ingest (replaying ${DISPLAYS} displays at ${SPEED}x)"
pc up -d ingest || fail "podman-compose up ingest"
await_healthy ingest 90
sleep 5
[ "$(podman inspect -f '{{.State.Status}}' "$(ctr ingest)")" = running ] \
  || fail "ingest finished before it could be crashed: lower WND_CHECK_SPEED"
crash ingest
sleep 2
[ "$(podman inspect -f '{{.State.Status}}' "$(ctr ingest)")" = exited ] || fail "ingest (restart: \"no\") came back by itself"
log "ingest stays down (restart: \"no\"), displays so far: $(end_offset displays); podman-compose start ingest"
pc start ingest || fail "podman-compose start ingest"

deadline=$(($(date +%s) + 120))
until [ "$(end_offset examples)" -gt 0 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no examples after 120 s"
  sleep 2
done
crash features
await_restarted features
await_healthy features 180

deadline=$(($(date +%s) + 180))
until topic model-versions versions | grep -q '"ckpt-'; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the learner announced no checkpoint in 180 s"
  sleep 3
done
crash learner
await_restarted learner
await_healthy learner 180

send_requests 25
crash scorer
send_requests 25
log "sent $SENT score requests (around the scorer's crash)"
await_restarted scorer
await_healthy scorer 180

# ---- the replay ends; everything it sent becomes examples --------------------------------------------------------
deadline=$(($(date +%s) + 300))
until [ "$(podman inspect -f '{{.State.Status}}' "$(ctr ingest)")" = exited ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "ingest has not finished after 300 s"
  sleep 3
done
[ "$(podman inspect -f '{{.State.ExitCode}}' "$(ctr ingest)")" = 0 ] || fail "ingest exited with $(podman inspect -f '{{.State.ExitCode}}' "$(ctr ingest)")"
log "ingest finished (exit 0) after its restart"

deadline=$(($(date +%s) + 240))
while true; do
  EXAMPLES="$(topic examples examples)"
  [ "$(json "$EXAMPLES" 'd["total"]')" -ge "$TRAIN_ROWS" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "examples: $EXAMPLES, expected $TRAIN_ROWS (one per clicks_train row) within 240 s"
  sleep 5
done
sleep 10 # anything late would show as a duplicate now
EXAMPLES="$(topic examples examples)"
EX_TOTAL="$(json "$EXAMPLES" 'd["total"]')"; EX_DISTINCT="$(json "$EXAMPLES" 'd["distinct"]')"; EX_TRAIN="$(json "$EXAMPLES" 'd["train"]')"
[ "$EX_TOTAL" = "$EX_DISTINCT" ] || fail "examples: $EX_TOTAL records, $EX_DISTINCT distinct (display_id, ad_id): duplicates"
[ "$EX_TOTAL" = "$TRAIN_ROWS" ] || fail "examples: $EX_TOTAL, clicks_train has $TRAIN_ROWS rows"
log "examples: $EX_TOTAL records = $EX_DISTINCT distinct (display_id, ad_id) = $TRAIN_ROWS clicks_train rows ($EX_TRAIN TRAIN)"

# ---- every request answered --------------------------------------------------------------------------------------
send_requests 25
deadline=$(($(date +%s) + 180))
while true; do
  ANSWERS="$(topic scores.json answers)"
  MISSING="$(python3 -c 'import json, sys; a = set(json.loads(sys.argv[1])["display_ids"]); print(sum(1 for i in range(1, int(sys.argv[2]) + 1) if 900000000 + i not in a))' "$ANSWERS" "$SENT")"
  [ "$MISSING" = 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "$MISSING of $SENT score requests unanswered after 180 s"
  sleep 5
done
log "score requests: $SENT sent, $SENT answered ($(json "$ANSWERS" 'd["total"]') answers on scores.json, $(json "$ANSWERS" 'd["total"] - len(d["display_ids"])') of them repeated: the scorer answers at least once; models: $(json "$ANSWERS" '",".join(d["models"])'))"
json "$ANSWERS" 'd["models"]' | grep -qE "ckpt|snap|delta" || fail "no request was answered by a trained model: $ANSWERS"

# ---- health of every service that is still up ----------------------------------------------------------------------
for service in kafka schema-registry features learner scorer; do
  healthy "$service" || { cat "$WORK/health-$service.log"; fail "$service unhealthy at the end"; }
done
log "health checks pass: kafka, schema-registry, features, learner, scorer (ingest passed while it ran)"

# ---- the learner: stopped as docker compose stop does, its last checkpoint holds every TRAIN example -------------
podman stop -t 120 "$(ctr learner)" >> "$WORK/podman-compose.log" 2>&1
log "learner stopped (SIGTERM), exit $(podman inspect -f '{{.State.ExitCode}}' "$(ctr learner)")"
VERSIONS="$(topic model-versions versions)"
python3 - "$VERSIONS" "$EX_TRAIN" <<'PY' || fail "model versions: $VERSIONS"
import json, sys
versions, train = json.loads(sys.argv[1]), int(sys.argv[2])
generations = [v["generation"] for v in versions]
assert generations == sorted(set(generations)), f"generations not strictly increasing: {generations}"
last = versions[-1]
assert last["version"].startswith("ckpt-"), f"the last version is not the stop's checkpoint: {last}"
assert last["examples_trained"] == train, f"last checkpoint trained on {last['examples_trained']}, TRAIN examples {train}"
PY
CKPTS="$(ls "$(podman volume inspect -f '{{.Mountpoint}}' "${PROJECT}_checkpoints")" | grep -E '^(ckpt|snap|delta)-' | tr '\n' ' ')"
python3 - "$VERSIONS" "$CKPTS" <<'PY' || fail "checkpoint directories: $CKPTS; announced: $VERSIONS"
import json, sys
announced = {v["version"] for v in json.loads(sys.argv[1])}
on_disk = sys.argv[2].split()
assert on_disk and set(on_disk) <= announced, f"not announced: {set(on_disk) - announced}"
newest = max(on_disk, key=lambda n: int(n.split("-")[1]))
assert newest == json.loads(sys.argv[1])[-1]["version"], f"newest on disk {newest}"
PY
log "model versions: $(json "$VERSIONS" 'len(d)') announced, generations $(json "$VERSIONS" 'd[0]["generation"]')..$(json "$VERSIONS" 'd[-1]["generation"]') strictly increasing; last $(json "$VERSIONS" 'd[-1]["version"]') trained on $EX_TRAIN examples = every TRAIN example; on disk: $CKPTS"

log "passed: $EX_TOTAL examples each once, $SENT/$SENT requests answered, $(json "$VERSIONS" 'len(d)') model versions in order, 4 stages crashed and recovered"
