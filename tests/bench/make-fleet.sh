#!/bin/sh
# A deployment repository for `make bench`: a server (postgresql.conf with
# an include directory and auto.conf) and SERVICES services (33: 102
# configuration files), each with application.yml,
# application-prod.properties and a Kubernetes manifest, built from the lint
# test fixture's files.
#   tests/bench/make-fleet.sh DIR [SERVICES]
set -eu
dir=$1
services=${2:-33}
rm -rf "$dir"
mkdir -p "$dir/db"
cp -r tests/lint/deploy/db/. "$dir/db/"
i=1
while [ $i -le "$services" ]; do
    s="svc$i"
    mkdir -p "$dir/$s/src/main/resources" "$dir/k8s"
    sed "s/orders/$s/g" tests/lint/deploy/orders/src/main/resources/application.yml > "$dir/$s/src/main/resources/application.yml"
    sed "s/orders/$s/g" tests/lint/deploy/orders/src/main/resources/application-prod.properties > "$dir/$s/src/main/resources/application-prod.properties"
    sed "s/orders/$s/g" tests/lint/deploy/k8s/orders.yaml > "$dir/k8s/$s.yaml"
    i=$((i + 1))
done
find "$dir" -type f | wc -l | sed 's/^/files: /'
