#!/usr/bin/env bash
# Builds libzts and the Java binding, runs the binding's JUnit 5 tests (Maven Surefire) and leaves
# bindings/java/xlang-driver ready to run. Call it from anywhere: bash bindings/java/run_tests.sh
#
# On a fresh Debian machine it installs what is missing (a JDK, Maven, python3 for the fake accounts
# server) with apt-get; Maven fetches the dependencies from Maven Central into the local repository
# (~/.m2). The jar bundles target/release/libzts.so (see zoho-token-store/pom.xml).
#
# The SDK tests run against sdk-contract/, a stand-in for the Zoho CRM Java SDK written from the SDK
# contract, because the real SDK is not on Maven Central. When the real SDK
# (com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0) is in the local Maven repository (bench/install-real-sdk.sh
# builds it there from its public source), they run a second time against it. ZTS_JAVA_REAL_SDK=1 requires that run (Maven then also asks Zoho's repository), =0 skips it.
#
# Ends with one line "java: N passed, M failed, K skipped"; exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/java
MODULE=$BINDING/zoho-token-store

missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    echo "run_tests.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cargo build --release --quiet

# Batch mode and no colour come from .mvn/maven.config, and .mvn/jvm.config stops the stray ESC[0m
# resets that Debian's Maven 3.8 prints even in batch mode, so a log never holds colour codes (checked).
maven_log=$(mktemp)
trap 'rm -f "$maven_log"' EXIT
mvn_quiet() {
    local rc=0
    mvn -q -f "$BINDING/pom.xml" "$@" 2>&1 | tee -a "$maven_log" || rc=$?
    return "$rc"
}

status=0
# clean: the jar must bundle this build of libzts.so, and old reports must not count.
mvn_quiet clean verify || status=$?

real_run=${ZTS_JAVA_REAL_SDK:-}
if [[ -z "$real_run" ]]; then
    # Offline: is the real SDK in the local Maven repository (wherever the settings put it)?
    if mvn -q -o -f "$BINDING/pom.xml" -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
           -Dartifact=com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0 -Dtransitive=false >/dev/null 2>&1; then
        real_run=1
    else
        real_run=0
    fi
fi
if [[ "$real_run" == 1 ]]; then
    echo "run_tests.sh: running the SDK tests again against the real Zoho CRM Java SDK" >&2
    mvn_quiet -pl zoho-token-store -Dzoho.sdk=real -Dzts.target=target/real-sdk verify \
        -Dtest='ZohoTokenStoreTest,SdkEndToEndTest,SdkUnderTestTest' || status=$?
else
    echo "run_tests.sh: the real Zoho CRM Java SDK is not in the local Maven repository;" \
         "the SDK tests ran against the contract stand-in only" >&2
fi

if grep -q $'\e' "$maven_log"; then
    echo "run_tests.sh: Maven printed terminal escape codes into the log (see bindings/java/.mvn)" >&2
    status=1
fi

# One closing line over every surefire report of both runs.
python3 - "$MODULE/target" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for report in glob.glob(sys.argv[1] + "/**/surefire-reports/TEST-*.xml", recursive=True):
    suite = ET.parse(report).getroot()
    for key in totals:
        totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print("java: %d passed, %d failed, %d skipped" % (passed, failed, totals["skipped"]))
PY

if [[ ! -x "$BINDING/xlang-driver" ]]; then
    echo "run_tests.sh: $BINDING/xlang-driver is not executable" >&2
    status=1
fi
exit $status
