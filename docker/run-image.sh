#!/usr/bin/env bash
# Runs a built image without a container engine, as `docker run --read-only` would: the image's
# root filesystem mounted read-only in a private mount namespace, the image's USER, ENV, WORKDIR
# and CMD, the host's network. Only --volume and --tmpfs paths are writable.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: docker/run-image.sh [options] IMAGE [COMMAND...]

Runs IMAGE (built by docker/build-images.sh into buildah's vfs storage) with a read-only root
filesystem, as the image's user, with its environment, working directory and command (or COMMAND).
Needs root (buildah, unshare, chroot). Stops the process on SIGINT/SIGTERM.

Options:
  -e, --env NAME=VALUE        set an environment variable (after the image's own)
  -v, --volume HOST:PATH      bind-mount a host directory, writable, at PATH
      --ro-volume HOST:PATH   bind-mount a host file or directory read-only at PATH
      --tmpfs PATH            mount an empty tmpfs at PATH (e.g. /tmp for nginx)
      --pidfile FILE          write the process id (a host pid) to FILE
  -h, --help                  this text

Example (the server on port 8080 with its data in ./data, owned by UID 1001):
  mkdir -p data && chown 1001:1001 data
  docker/run-image.sh -v "$PWD/data:/data" -e PGMCP_DATABASE_URL=postgres://... pgmcp-server:local
EOF
}

envs=() binds=() robinds=() tmpfs=() pidfile=''
while [ $# -gt 0 ]; do
  case "$1" in
    -e | --env) envs+=("$2"); shift 2 ;;
    -v | --volume) binds+=("$2"); shift 2 ;;
    --ro-volume) robinds+=("$2"); shift 2 ;;
    --tmpfs) tmpfs+=("$2"); shift 2 ;;
    --pidfile) pidfile=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "run-image: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
image=$1
shift
bh() { buildah --storage-driver vfs "$@"; }

bh inspect --type image "$image" >/dev/null 2>&1 ||
  { echo "run-image: no image '$image' in buildah's vfs storage; build it with docker/build-images.sh" >&2; exit 1; }
config() { bh inspect --type image --format "$1" "$image"; }
user=$(config '{{.OCIv1.Config.User}}')
workdir=$(config '{{.OCIv1.Config.WorkingDir}}')
# Like Docker: a default PATH unless the image sets one.
image_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
mapfile -t -O 1 image_env < <(config '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
if [ $# -eq 0 ]; then
  mapfile -t cmd < <(config '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' | sed '/^$/d')
  set -- "${cmd[@]}"
fi

# One working container per image, kept and shared by later runs (vfs copies the whole image for
# each new container; the root is mounted read-only, so sharing it is safe).
# docker/build-images.sh removes these when it builds.
ctr="pgmcp-run-$(config '{{.FromImageID}}' | cut -c1-12)"
bh inspect --type container "$ctr" >/dev/null 2>&1 || bh from --pull=never --name "$ctr" "$image" >/dev/null
work=$(mktemp -d)
pid_inside="$work/pid"
cleanup() {
  if [ -s "$pid_inside" ]; then kill -TERM "$(cat "$pid_inside")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
rootfs=$(bh mount "$ctr")

# Inside a private mount namespace: mount the root read-only, add the writable paths, chroot.
mounts=''
for spec in "${binds[@]}"; do mounts+="mount --bind '${spec%%:*}' \"\$root${spec#*:}\"; "; done
for spec in "${robinds[@]}"; do
  mounts+="mount --bind '${spec%%:*}' \"\$root${spec#*:}\"; mount -o remount,bind,ro \"\$root${spec#*:}\"; "
done
for path in "${tmpfs[@]}"; do mounts+="mount -t tmpfs -o mode=1777 tmpfs \"\$root$path\"; "; done
unshare --mount --propagation private -- sh -ec "
  root='$work/root'; mkdir \"\$root\"
  mount --bind '$rootfs' \"\$root\"; mount -o remount,bind,ro \"\$root\"
  mount -t proc proc \"\$root/proc\"; mount --rbind /dev \"\$root/dev\"
  $mounts
  echo \$\$ > '$pid_inside'
  exec chroot --userspec='${user:-0:0}' --groups='' \"\$root\" env -i \"\$@\"
" sh "${image_env[@]}" "${envs[@]}" sh -c 'cd "${1:-/}" && shift && exec "$@"' sh "${workdir:-/}" "$@" &
child=$!
until [ -s "$pid_inside" ] || ! kill -0 $child 2>/dev/null; do sleep 0.1; done
[ -n "$pidfile" ] && [ -s "$pid_inside" ] && cp "$pid_inside" "$pidfile"
set +e
wait $child
status=$?
rm -f "$pid_inside"
exit $status
