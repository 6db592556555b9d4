#!/usr/bin/env bash
# Builds the offline Kafka image (docker-compose.offline.yml) as an image archive that `docker load` and
# `podman load` read (the `docker save` layout: manifest.json, the config JSON, one layer tar), without a container
# engine or a registry. Its file system, in one layer:
#   /opt/java/openjdk, /lib, /lib64   the jlink'd JRE and the system libraries of the wnd image (build-root.sh)
#   /opt/kafka/libs                   Apache Kafka's broker (kafka_2.13, kafka-server, ...) and its dependencies,
#                                     the same artifacts from Maven Central the embedded broker runs on
#   /opt/kafka/classes                the entry point (dev.wnd.image.kafka.KafkaLauncher): configuration from the
#                                     official image's KAFKA_* variables, storage format, kafka.Kafka
#   /opt/kafka/config                 the single-node defaults and the logging configuration
#   /etc/passwd, /etc/group           user 1000 (appuser), as in apache/kafka, so a data volume moves between them
#   /tmp, /var/lib/kafka/data         writable by that user
# The layer and the config are deterministic (sorted entries, fixed times and owners), so the image id only changes
# when a file does.
#
# Usage: build-kafka-image.sh OUT_TAR IMAGE_NAME WND_ROOT KAFKA_LIBS CLASSES CONFIG_DIR KAFKA_VERSION
#   WND_ROOT   the wnd image's extra directory (build-root.sh's OUT) with the bundled runtime
#   KAFKA_LIBS the broker's jars; CLASSES the compiled launcher; CONFIG_DIR server.properties and logback.xml
set -euo pipefail
OUT_TAR="$1"; IMAGE="$2"; WND_ROOT="$3"; LIBS="$4"; CLASSES="$5"; CONFIG="$6"; KAFKA_VERSION="$7"

if [ ! -x "$WND_ROOT/opt/java/openjdk/bin/java" ]; then
  echo "build-kafka-image.sh: skipped, no bundled runtime in $WND_ROOT (the Kafka image reuses the wnd image's" \
       "jlink'd JRE: build with -Dimage.bundleRuntime=true)" >&2
  rm -f "$OUT_TAR"
  exit 0
fi

WORK="$(dirname "$OUT_TAR")/kafka-image"
ROOT="$WORK/root"
rm -rf "$WORK"
mkdir -p "$ROOT/opt/kafka/libs" "$ROOT/opt/kafka/classes" "$ROOT/opt/kafka/config" "$ROOT/opt/java" "$ROOT/etc" \
  "$ROOT/tmp" "$ROOT/var/lib/kafka/data" "$WORK/archive"

cp -a "$WND_ROOT/opt/java/openjdk" "$ROOT/opt/java/"
cp -a "$WND_ROOT/lib" "$WND_ROOT/lib64" "$ROOT/"
[ -d "$WND_ROOT/usr" ] && cp -a "$WND_ROOT/usr" "$ROOT/"
cp "$LIBS"/*.jar "$ROOT/opt/kafka/libs/"
cp -a "$CLASSES/." "$ROOT/opt/kafka/classes/"
cp "$CONFIG/server.properties" "$CONFIG/logback.xml" "$ROOT/opt/kafka/config/"
cat > "$ROOT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
appuser:x:1000:1000:kafka:/opt/kafka:/sbin/nologin
PASSWD
cat > "$ROOT/etc/group" <<'GROUP'
root:x:0:
appuser:x:1000:
GROUP
find "$ROOT" -type d -exec chmod 755 {} +
find "$ROOT/opt/kafka" "$ROOT/etc" -type f -exec chmod 644 {} +
chmod 1777 "$ROOT/tmp"
chmod 777 "$ROOT/var/lib/kafka/data"

# One uncompressed layer: entries sorted, owned by root, dated at the epoch (as Jib does).
LAYER="$WORK/layer.tar"
(cd "$ROOT" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort > "$WORK/entries")
tar --create --file "$LAYER" --directory "$ROOT" --no-recursion --verbatim-files-from --files-from "$WORK/entries" \
  --owner=0 --group=0 --numeric-owner --mtime='1970-01-01 00:00:01Z' --format=gnu
LAYER_SHA="$(sha256sum "$LAYER" | cut -d' ' -f1)"
mkdir -p "$WORK/archive/$LAYER_SHA"
mv "$LAYER" "$WORK/archive/$LAYER_SHA/layer.tar"

JAVA_OPTS='"-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true"'
CONFIG_JSON="$WORK/config.json"
cat > "$CONFIG_JSON" <<JSON
{"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:01Z",
 "config": {
  "User": "1000:1000",
  "Env": ["PATH=/opt/java/openjdk/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java/openjdk"],
  "Entrypoint": ["/opt/java/openjdk/bin/java", $JAVA_OPTS, "-cp", "/opt/kafka/classes:/opt/kafka/libs/*", "dev.wnd.image.kafka.KafkaLauncher"],
  "Cmd": ["start"],
  "WorkingDir": "/opt/kafka",
  "ExposedPorts": {"9092/tcp": {}},
  "Labels": {"org.opencontainers.image.title": "wnd-kafka",
             "org.opencontainers.image.description": "Apache Kafka $KAFKA_VERSION (KRaft) from the Maven Central artifacts, configured like apache/kafka",
             "org.opencontainers.image.version": "$KAFKA_VERSION"}},
 "rootfs": {"type": "layers", "diff_ids": ["sha256:$LAYER_SHA"]},
 "history": [{"created": "1970-01-01T00:00:01Z", "created_by": "image/src/main/kafka/build-kafka-image.sh"}]}
JSON
CONFIG_SHA="$(sha256sum "$CONFIG_JSON" | cut -d' ' -f1)"
mv "$CONFIG_JSON" "$WORK/archive/$CONFIG_SHA.json"
printf '[{"Config": "%s.json", "RepoTags": ["%s"], "Layers": ["%s/layer.tar"]}]\n' "$CONFIG_SHA" "$IMAGE" "$LAYER_SHA" \
  > "$WORK/archive/manifest.json"

mkdir -p "$(dirname "$OUT_TAR")"
tar --create --file "$OUT_TAR" --directory "$WORK/archive" --owner=0 --group=0 --numeric-owner \
  --mtime='1970-01-01 00:00:01Z' --format=gnu manifest.json "$CONFIG_SHA.json" "$LAYER_SHA/layer.tar"
rm -rf "$WORK/archive"
echo "build-kafka-image.sh: $IMAGE ($(du -h "$OUT_TAR" | cut -f1), $(ls "$ROOT/opt/kafka/libs" | wc -l) jars) in $OUT_TAR"
