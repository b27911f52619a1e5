#!/usr/bin/env bash
# The control-plane part of the seeds with real kubectl: an API server on a temporary data dir,
# Services getting ClusterIPs from --service-cluster-ip-range, NodePorts, the seed YAML, errors.
set -euo pipefail
cd "$(dirname "$0")/.."
SVCNET=${SVCNET:-bin/svcnet}
work=$(mktemp -d /tmp/svcnet-demo-XXXXXX)
port=$(( 20000 + RANDOM % 10000 ))
cleanup() { [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" || true; }

say "Start the API server (the seeds' kube-apiserver) with the range Services get their IPs from"
"$SVCNET" apiserver --data-dir "$work/data" --secure-port "$port" \
  --service-cluster-ip-range=10.96.0.0/12 --cluster-cidr=10.244.0.0/16 >"$work/apiserver.log" 2>&1 &
pid=$!
export KUBECONFIG=$work/data/admin.kubeconfig
for _ in $(seq 100); do [[ -f $KUBECONFIG ]] && kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done
run sh -c "ps -o args= -p $pid | tr ' ' '\n' | grep -- --service-cluster-ip-range"

say "The seed's Service manifest and the Pod + Service with a named targetPort"
run kubectl create -f examples/seed-004/

say "A redis pod exposed as in seed 001, and a web app as a NodePort Service"
run kubectl run redis --image=redis --labels=app=redis --port=6379
run kubectl expose pod redis --port=6379 --target-port=6379 --name=redis-service --type=ClusterIP
run kubectl create service nodeport web --tcp=80:8080 --node-port=30080
run kubectl get service -o wide

say "Asking for an address that is taken, and an invalid Service"
run kubectl create service clusterip taken --tcp=80 --clusterip=10.96.0.1
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 0\n' >"$work/bad.yaml"
run kubectl create -f "$work/bad.yaml"

say "Every ClusterIP is an IPAddress object, as in Kubernetes 1.33"
run kubectl get ipaddresses

say "Done. The API server's log:"
head -5 "$work/apiserver.log"
