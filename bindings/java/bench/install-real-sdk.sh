#!/usr/bin/env bash
# Builds the real Zoho CRM Java SDK 8.0, com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0, from its public source
# and installs it into the local Maven repository (~/.m2), where run.sh (the benchmark) and
# ../run_tests.sh (a second run of the SDK tests) find it. Zoho publishes the jar only on its own
# repository (maven.zohodl.com), not on Maven Central; its source is on GitHub.
#
#   bash bindings/java/bench/install-real-sdk.sh [BUILD_DIR]
#
# BUILD_DIR (default /tmp/zohocrm-java-sdk-8.0) must be outside this repository: the SDK's code is never
# part of zts. The source is cloned at tag 2.0.0 from $ZOHO_SDK_GIT (default
# https://github.com/zoho/zohocrm-java-sdk-8.0; a local clone works too). The SDK has no build file of
# its own, so this writes a POM with the libraries its imports name (Apache HttpClient and HttpMime
# 4.5.14, org.json, opencsv 5.9), all from Maven Central, and runs `mvn install`.
set -euo pipefail

build=${1:-/tmp/zohocrm-java-sdk-8.0}
git=${ZOHO_SDK_GIT:-https://github.com/zoho/zohocrm-java-sdk-8.0}
repo_root=$(cd "$(dirname "$0")/../../.." && pwd)
mkdir -p "$build"
build=$(cd "$build" && pwd)
if [[ "$build/" == "$repo_root/"* ]]; then
    echo "install-real-sdk.sh: $build is inside the repository; give a directory outside it" >&2
    exit 2
fi

if [[ ! -d "$build/source/.git" ]]; then
    rm -rf "$build/source"
    git clone --quiet --depth 1 --branch 2.0.0 "$git" "$build/source"
fi
# (Tags 1.0.0 and 2.0.0 name the same commit; its src/ is the 2.0.0 SDK, as versions/2.0.0/src.)
[[ "$(git -C "$build/source" rev-parse HEAD)" == "$(git -C "$build/source" rev-parse "2.0.0^{commit}")" ]] || {
    echo "install-real-sdk.sh: $build/source is not at tag 2.0.0" >&2
    exit 2
}

cat > "$build/pom.xml" <<'POM'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.zoho.crm</groupId>
  <artifactId>zohocrm-java-sdk-8-0</artifactId>
  <version>2.0.0</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>11</maven.compiler.release>
  </properties>
  <dependencies>
    <dependency><groupId>org.apache.httpcomponents</groupId><artifactId>httpclient</artifactId><version>4.5.14</version></dependency>
    <dependency><groupId>org.apache.httpcomponents</groupId><artifactId>httpmime</artifactId><version>4.5.14</version></dependency>
    <dependency><groupId>org.json</groupId><artifactId>json</artifactId><version>20250517</version></dependency>
    <dependency><groupId>com.opencsv</groupId><artifactId>opencsv</artifactId><version>5.9</version></dependency>
  </dependencies>
  <build>
    <sourceDirectory>source/src/main/java</sourceDirectory>
    <!-- Initializer reads its class map as the class-path resource /resources/JSONDetails.json. -->
    <resources><resource><directory>source/src/main/resources</directory><targetPath>resources</targetPath></resource></resources>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
        <configuration><compilerArgs><arg>-nowarn</arg></compilerArgs></configuration>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-install-plugin</artifactId>
        <version>3.1.3</version>
      </plugin>
    </plugins>
  </build>
</project>
POM

MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -q --batch-mode -Dstyle.color=never -f "$build/pom.xml" clean install
echo "install-real-sdk.sh: installed com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0 (built in $build) into the local Maven repository"
