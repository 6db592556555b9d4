#!/usr/bin/env bash
# Lays out the files the wnd image adds to its base image, in OUT (Jib's extra directory):
#   /opt/libtorch                 the CPU libtorch from pytorch-native-cpu, unpacked at build time, so that no
#                                 container extracts 450 MB into a writable cache at start (PYTORCH_LIBRARY_PATH)
#   /opt/djl/pytorch/...          DJL's JNI library where DJL looks for it with that override (ENGINE_CACHE_DIR)
#   /opt/java/openjdk             with BUNDLE_RUNTIME=true: a jlink'd JRE of the modules the app uses, taken
#                                 from the JDK that runs Maven (same path as in the eclipse-temurin images)
#   /lib, /lib64                  with BUNDLE_RUNTIME=true: the shared libraries the JRE, libtorch, RocksDB and
#                                 the compression codecs need (glibc, libstdc++, libgcc_s, libz), found with ldd
#   /etc/passwd, /etc/group       the non-root user 65532 the image runs as
#   /tmp, /var/lib/wnd/{work,models}  writable by that user (volumes copy the mode when first mounted)
#
# Usage: build-root.sh OUT DEPS_DIR JAVA_HOME BUNDLE_RUNTIME DJL_VERSION PYTORCH_VERSION
# DEPS_DIR holds pytorch-native-cpu-*-linux-x86_64.jar, pytorch-jni-*.jar and rocksdbjni-*.jar.
set -euo pipefail
OUT="$1"; DEPS="$2"; JDK="$3"; BUNDLE="$4"; DJL_VERSION="$5"; PYTORCH_VERSION="$6"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "build-root.sh: the image is linux-x86_64 and is built on linux-x86_64 (ldd of the host's libraries)" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/opt/libtorch" "$OUT/opt/djl/pytorch/$PYTORCH_VERSION-cpu-linux-x86_64" "$OUT/etc" "$OUT/tmp" \
  "$OUT/var/lib/wnd/work" "$OUT/var/lib/wnd/models"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

unzip -q -j -o -d "$OUT/opt/libtorch" "$DEPS"/pytorch-native-cpu-*-linux-x86_64.jar 'pytorch/cpu/linux-x86_64/*'
unzip -q -j -o -d "$SCRATCH/jni" "$DEPS"/pytorch-jni-*.jar 'jnilib/linux-x86_64/cpu/libdjl_torch.so'
cp "$SCRATCH/jni/libdjl_torch.so" "$OUT/opt/djl/pytorch/$PYTORCH_VERSION-cpu-linux-x86_64/$DJL_VERSION-libdjl_torch.so"

cat > "$OUT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:wnd:/tmp:/sbin/nologin
PASSWD
cat > "$OUT/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP

if [ "$BUNDLE" != "true" ]; then
  exit 0
fi

# The modules of the JDK the app and its libraries use (jdeps over the class path), plus the ones that are only
# reached by reflection or service loading: TLS and SASL for secured clusters, DNS, JMX; and the vector API, which
# the scorer resolves with --add-modules (docker-compose.yml) to compute small batches' MLP on the host.
MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss
MODULES=$MODULES,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management
MODULES=$MODULES,jdk.naming.dns,jdk.unsupported,jdk.zipfs,jdk.incubator.vector
"$JDK/bin/jlink" --add-modules "$MODULES" --output "$OUT/opt/java/openjdk" --strip-debug --no-header-files \
  --no-man-pages --compress=2

# Headless only: the AWT/X11, sound, splash screen and font libraries (and the X11, ALSA and FreeType stacks
# they would pull in) stay out. java.desktop itself is needed (java.beans); drawing text (evaluate --report's
# charts) is not something the services do.
rm -f "$OUT"/opt/java/openjdk/lib/{libawt_xawt.so,libjsound.so,libsplashscreen.so,libfontmanager.so,liblcms.so}

# The shared libraries of everything native that runs: the JRE, libtorch and DJL's JNI, and the JNI libraries
# that RocksDB and the codecs unpack at run time (taken from their jars here only to ask ldd).
unzip -q -j -o -d "$SCRATCH/rocksdb" "$DEPS"/rocksdbjni-*.jar 'librocksdbjni-linux64.so'
find "$OUT/opt" "$SCRATCH/rocksdb" -name '*.so*' -type f > "$SCRATCH/natives"
echo "$OUT/opt/java/openjdk/bin/java" >> "$SCRATCH/natives"
: > "$SCRATCH/libs"
while read -r f; do
  LD_LIBRARY_PATH="$OUT/opt/libtorch:$OUT/opt/java/openjdk/lib:$OUT/opt/java/openjdk/lib/server" ldd "$f" \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' >> "$SCRATCH/libs"
done < "$SCRATCH/natives"
# The name service and DNS modules glibc loads by name (not linked, so ldd does not show them) when present.
for extra in libnss_dns.so.2 libnss_files.so.2 libresolv.so.2; do
  [ -e "/lib/x86_64-linux-gnu/$extra" ] && echo "/lib/x86_64-linux-gnu/$extra" >> "$SCRATCH/libs"
done
sort -u "$SCRATCH/libs" | while read -r lib; do
  case "$lib" in "$OUT"/*) continue ;; esac
  mkdir -p "$OUT$(dirname "$lib")"
  cp -L "$lib" "$OUT$lib"
done
echo "build-root.sh: $(du -sh "$OUT" | cut -f1) in $OUT; system libraries:" $(sort -u "$SCRATCH/libs" | grep -v "^$OUT" | xargs -n1 basename)
