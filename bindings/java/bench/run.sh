#!/usr/bin/env bash
# The Java binding's benchmark: every SDK store call through ZohoTokenStore, beside the real SDK's
# FileStore and a careful JDBC SQLite store, in one JVM (see README.md here).
#
#   bash bindings/java/bench/run.sh [--sizes 10,1000,10000] [--rounds 3] [--dir DIR]
#
# Needs the real Zoho CRM Java SDK 2.0.0 in the local Maven repository (install-real-sdk.sh puts it
# there). Builds libzts (cargo, release) and the benchmark (Maven, -Pbench; the binding's jar into
# zoho-token-store/target/bench, so the tests' target/ is left alone), then runs it. Prints a Markdown
# table.
set -euo pipefail

cd "$(dirname "$0")/../../.."
BINDING=bindings/java
command=("bash" "$BINDING/bench/run.sh" "$@")

if ! mvn -q -o -f "$BINDING/pom.xml" -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
       -Dartifact=com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0 -Dtransitive=false >/dev/null 2>&1; then
    echo "run.sh: the benchmark needs the real Zoho CRM Java SDK (com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0)" \
         "in the local Maven repository, and it is not there. It is not on Maven Central; build it from its" \
         "public source first: bash $BINDING/bench/install-real-sdk.sh (see $BINDING/bench/README.md)" >&2
    exit 2
fi

cargo build --release --quiet
mvn -q -f "$BINDING/pom.xml" -Pbench -Dzoho.sdk=real -Dzts.target=target/bench -pl bench -am \
    -DskipTests package
classpath="$BINDING/bench/target/classes:$(cat "$BINDING/bench/target/runtime-classpath.txt")"
exec java -Dzts.bench.command="${command[*]}" -cp "$classpath" io.zts.bench.Bench "$@"
