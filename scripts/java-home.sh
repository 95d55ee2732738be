# Sourced by the repo's scripts: exports JAVA_HOME as a JDK >= 21.
# JAVA_HOME if it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm, else a clear message.

opend1_java_major() { # $1 = a JDK home; prints its major version, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s' "$v"
}

opend1_pick_java() {
  local best="" best_v=0 v d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(opend1_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      return 0
    fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] || continue
    v=$(opend1_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then
      best=$d best_v=$v
    fi
  done
  if [ -z "$best" ]; then
    echo "opend1 needs a JDK 21 or newer: set JAVA_HOME to one, or install one" \
      "(for example: apt-get install openjdk-21-jdk-headless, or openjdk-25-jdk-headless)." >&2
    return 1
  fi
  export JAVA_HOME=$best
}

opend1_pick_java || exit 1
export JAVA_HOME
