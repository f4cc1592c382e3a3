#!/usr/bin/env bash
# The private Docker engine the tests run against: a real dockerd on its own socket, data folder and
# bridge, so it never touches (or conflicts with) another engine on the machine, and the test image
# `berth-test:latest` (busybox + node, imported from the host because no image can be pulled).
#
#   engine.sh start|stop|restart|status|env|selftest     [instance, default 0]
#
# Paths are fixed (BERTH_DOCKER_ROOT, default /tmp/berth-docker/<instance>) so a running engine is
# reused across test runs. Instance N gets bridge berthN and subnet 172.31.(254-N).0/24; the
# reconnect test restarts instance 1 so suites using instance 0 in parallel are not disturbed.
# A second, independent set of engines on the same machine (another checkout, CI checking itself)
# needs its own BERTH_DOCKER_ROOT, BERTH_ENGINE_BRIDGE_PREFIX and BERTH_ENGINE_SUBNET_BASE.
set -euo pipefail

cmd=${1:-status}
instance=${2:-${BERTH_ENGINE_INSTANCE:-0}}
[[ $instance =~ ^[0-9]$ ]] || { echo "engine.sh: instance must be 0-9, got '$instance'" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${BERTH_DOCKER_ROOT:-/tmp/berth-docker}/$instance
sock=$root/docker.sock
pidfile=$root/dockerd.pid
log=$root/dockerd.log
bridge=${BERTH_ENGINE_BRIDGE_PREFIX:-berth}$instance
gateway=172.31.$((${BERTH_ENGINE_SUBNET_BASE:-254} - instance)).1/24
image=berth-test:latest
export DOCKER_HOST=unix://$sock

say() { echo "engine.sh[$instance]: $*" >&2; }

# A fresh CI machine has none of this; install only what is missing, with one apt-get update.
install_missing() {
  local pkgs=()
  command -v dockerd >/dev/null || pkgs+=(docker.io)
  command -v docker >/dev/null || pkgs+=(docker.io)
  [[ -x /bin/busybox ]] || pkgs+=(busybox-static)
  command -v ip >/dev/null || pkgs+=(iproute2)
  command -v curl >/dev/null || pkgs+=(curl)
  command -v flock >/dev/null || pkgs+=(util-linux)
  ((${#pkgs[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || { say "missing ${pkgs[*]} and not root: install them first"; exit 1; }
  say "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

answering() { timeout 5 docker info >/dev/null 2>&1; }

# Alive means a dockerd that is not a zombie: a stopped daemon can linger unreaped for a moment.
alive() {
  local state comm
  [[ -r /proc/$1/stat ]] || return 1
  read -r comm </proc/"$1"/comm || return 1
  read -r _ _ state _ </proc/"$1"/stat || return 1
  [[ $comm == dockerd && $state != Z ]]
}

daemon_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  [[ -n $pid ]] && alive "$pid" && echo "$pid"
}

# Our own bridge and subnet: the default docker0/172.17.0.0/16 may belong to another engine.
ensure_bridge() {
  ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
  # (No `| grep -q` here: with pipefail, grep quitting early makes `ip` die of SIGPIPE and the test lie.)
  [[ $(ip -4 addr show dev "$bridge") == *"inet ${gateway%/*}/"* ]] || ip addr add "$gateway" dev "$bridge"
  ip link set "$bridge" up
}

start_daemon() {
  if answering; then return 0; fi
  local pid
  if pid=$(daemon_pid); then
    # A dockerd that does not answer is still starting or stuck: give it the same wait as a new one.
    say "dockerd $pid is running but not answering yet; waiting"
  else
    ensure_bridge
    mkdir -p "$root/data" "$root/exec"
    rm -f "$sock" "$pidfile"
    say "starting dockerd on $sock (log: $log)"
    # Published ports bind 127.0.0.1 through docker-proxy; no iptables, so nothing on the host changes.
    setsid dockerd --data-root "$root/data" --exec-root "$root/exec" -H "unix://$sock" \
      --pidfile "$pidfile" --iptables=false --ip-masq=false --ip 127.0.0.1 --bridge "$bridge" \
      </dev/null >>"$log" 2>&1 9>&- &
    pid=$!
  fi
  local i
  for ((i = 0; i < 240; i++)); do
    answering && return 0
    # (setsid may have forked, leaving $pid a parent that already exited: the pidfile tells then.)
    alive "$pid" || daemon_pid >/dev/null || ((i < 20)) || break
    sleep 0.25
  done
  say "dockerd did not come up; last lines of $log:"
  tail -n 30 "$log" >&2 || true
  exit 1
}

stop_daemon() {
  local pid
  if ! pid=$(daemon_pid); then
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  # dockerd stops its containers first (the test servers exit on SIGTERM at once).
  local i
  for ((i = 0; i < 120; i++)); do
    alive "$pid" || { rm -f "$pidfile"; return 0; }
    sleep 0.25
  done
  say "dockerd $pid ignored SIGTERM for 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# The image is busybox (sh, nc, httpd, ...) plus node and the shared libraries it links, so
# containers can run the servers in test/docker/servers (bind-mounted at /srv, read-only).
image_missing() { ! docker image inspect "$image" >/dev/null 2>&1; }

build_image() {
  local dir node lib
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/srv" "$dir/tmp" "$dir/etc"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in sh ash cat echo env hostname httpd kill ls nc ps sleep sync true wget; do
    ln -s busybox "$dir/bin/$applet"
  done
  node=$(readlink -f "$(command -v node)")
  cp "$node" "$dir/bin/node"
  for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$dir$(dirname "$lib")"
    cp -L "$lib" "$dir$lib"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$dir/etc/passwd"
  echo 'hosts: files dns' >"$dir/etc/nsswitch.conf"
  say "building $image"
  tar -C "$dir" -c . | docker import -c 'ENV PATH=/bin' -c 'WORKDIR /srv' - "$image" >/dev/null
  rm -rf "$dir"
}

# Proves the whole path a test relies on: a container runs node, publishes an ephemeral port on
# 127.0.0.1, and docker-proxy carries a request to it.
selftest() {
  local name=berth-selftest-$$ port body
  docker run -d --rm --name "$name" -p 8081 -v "$here/servers:/srv:ro" -e NAME=selftest \
    "$image" node /srv/http-echo.js >/dev/null
  port=$(docker port "$name" 8081/tcp | grep -m 1 -o '127.0.0.1:[0-9]*' | cut -d: -f2)
  body=''
  local i
  for ((i = 0; i < 40; i++)); do
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/selftest" 2>/dev/null) && break
    sleep 0.25
  done
  docker rm -f "$name" >/dev/null
  if [[ $body != *'"name":"selftest"'* ]]; then
    say "selftest failed: no answer through 127.0.0.1:$port"
    exit 1
  fi
  say "selftest ok: a container answered on 127.0.0.1:$port"
}

with_lock() {
  mkdir -p "$root"
  # Test files run in parallel workers and may all ask for the engine at once: one does the work.
  exec 9>"$root.lock"
  flock -w 300 9
  "$@"
}

do_start() {
  install_missing
  start_daemon
  if image_missing; then
    build_image
    selftest
  fi
}

case $cmd in
  start) with_lock do_start; echo "DOCKER_HOST=$DOCKER_HOST" ;;
  stop) with_lock stop_daemon ;;
  restart) with_lock stop_daemon; with_lock do_start; echo "DOCKER_HOST=$DOCKER_HOST" ;;
  status)
    if answering; then echo "running DOCKER_HOST=$DOCKER_HOST"; else echo "stopped DOCKER_HOST=$DOCKER_HOST"; exit 3; fi ;;
  env) echo "DOCKER_HOST=$DOCKER_HOST" ;;
  selftest) selftest ;;
  *) echo "usage: engine.sh start|stop|restart|status|env|selftest [instance]" >&2; exit 2 ;;
esac
