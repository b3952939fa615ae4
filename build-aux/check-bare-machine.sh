#!/bin/bash
# Proves the README's set-up on a bare Debian machine; run by hand as root (not part of make
# check; it downloads about a gigabyte of packages). Makes a debootstrap minbase bookworm chroot,
# adds only make, copies a clean clone of this tree's HEAD into a user's home, then in the chroot:
#   1. as that user, make demo and make check must stop, with the exact apt-get line, before
#      anything is generated or compiled (the clone stays as it was);
#   2. as root, make demo must install the build packages and run;
#   3. as root, make check must install the rest and pass.
# The host's local certificate authorities (/usr/local/share/ca-certificates) are copied into
# the chroot, as a machine on the same network would have them: behind a proxy that signs TLS
# with its own authority, Maven and pip fail without it (ca-certificates, installed by make
# check, then trusts them).
# Usage: build-aux/check-bare-machine.sh [FOLDER]   (default /var/tmp/jm-bare; the chroot is
# FOLDER/root, made anew each run; the log is FOLDER/log)
set -eu
die() { echo "check-bare-machine: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot, mounts)"
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/jm-bare}
case $dir in "$top" | "$top"/*) die "$dir is inside the tree" ;; esac
root=$dir/root
user=jm
mirror=${JM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mounts="proc sys dev/pts dev/shm"

unmount() {
  for m in dev/shm dev/pts sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
  done
  return 0
}
# Processes left in the chroot are a failure of the test that started them: say so, stop them.
leftovers() {
  left=""
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && left="$left ${p#/proc/}"
  done
  [ -z "$left" ] && return 0
  echo "check-bare-machine: processes left in the chroot:$left" >&2
  ps -o pid,user,args -p $(echo $left | tr ' ' ,) >&2 2>/dev/null || true
  kill $left 2>/dev/null || true
  return 1
}
trap 'leftovers || true; unmount' EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$dir"
exec > >(tee "$dir/log") 2>&1
now() { date +%s; }
step() { echo; echo "== $*"; }
# in_chroot USER CMD: CMD by sh in the chroot, as USER, with a bare environment.
in_chroot() {
  u=$1
  shift
  home=/root
  [ "$u" = root ] || home=/home/$u
  chroot --userspec="$u:$u" "$root" /usr/bin/env -i HOME="$home" LOGNAME="$u" USER="$u" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh -c "cd $home && $*"
}

step "debootstrap --variant=minbase bookworm $root"
command -v debootstrap >/dev/null 2>&1 || apt-get install -y -q debootstrap
unmount
rm -rf "$root"
t0=$(now)
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
  { tail -20 "$dir/debootstrap.log"; exit 1; }
t_boot=$(( $(now) - t0 ))
echo "debootstrap: ${t_boot} s"
for m in $mounts; do mkdir -p "$root/$m"; done
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
# As in Debian's container images: a package's postinst starts no service in the chroot (the
# SQL check starts its own server).
mkdir -p "$root/usr/local/share/ca-certificates"
for ca in /usr/local/share/ca-certificates/*.crt; do
  [ -f "$ca" ] && cp "$ca" "$root/usr/local/share/ca-certificates/"
done
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

step "apt-get install make (and nothing else)"
in_chroot root "apt-get update -q >/dev/null &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make >/dev/null"
in_chroot root "useradd -m -s /bin/sh $user"
echo "packages installed: $(in_chroot root "dpkg-query -W -f='\${Package}\n' | wc -l")"

step "a clean clone of $(git -C "$top" rev-parse --short HEAD) in /home/$user and /root"
git clone -q --no-hardlinks "$top" "$root/home/$user/libjobmatch"
git -C "$root/home/$user/libjobmatch" checkout -q "$(git -C "$top" rev-parse HEAD)"
cp -a "$root/home/$user/libjobmatch" "$root/root/libjobmatch"
chown -R "$(in_chroot root "id -u $user"):$(in_chroot root "id -g $user")" \
  "$root/home/$user/libjobmatch"
# git is not in the chroot: compare the tree with a listing taken now.
listing() { (cd "$1" && find . -path ./.git -prune -o -print | LC_ALL=C sort); }
listing "$root/home/$user/libjobmatch" > "$dir/clone.list"

fail=0
for goal in demo check; do
  step "as $user: make $goal (must stop before compiling anything)"
  t0=$(now)
  if in_chroot "$user" "cd libjobmatch && make $goal" > "$dir/user-$goal.log" 2>&1; then
    echo "FAIL: make $goal as $user succeeded"; fail=1
  fi
  cat "$dir/user-$goal.log"
  echo "($(( $(now) - t0 )) s)"
  line=$(sed -n 's/^  \(apt-get install -y --no-install-recommends .*\)/\1/p' "$dir/user-$goal.log")
  # The line must name exactly the packages of the goal's list that the chroot lacks.
  want=apt-get\ install\ -y\ --no-install-recommends
  for p in $(in_chroot root "libjobmatch/build-aux/deps.sh --list $goal"); do
    in_chroot root "dpkg-query -W -f='\${Status}' $p 2>/dev/null | grep -q ' installed'" ||
      want="$want $p"
  done
  [ "$line" = "$want" ] || { echo "FAIL: the apt-get line is not: $want"; fail=1; }
  if ! listing "$root/home/$user/libjobmatch" | cmp -s - "$dir/clone.list"; then
    echo "FAIL: make $goal as $user changed the tree:"
    listing "$root/home/$user/libjobmatch" | diff "$dir/clone.list" - | head; fail=1
  fi
done

# as_root GOAL SUMMARY-PATTERN: make GOAL as root in the chroot; sets t_GOAL to its seconds.
as_root() {
  t0=$(now)
  in_chroot root "cd libjobmatch && make $1" > "$dir/root-$1.log" 2>&1 ||
    { echo "FAIL: make $1"; fail=1; }
  secs=$(( $(now) - t0 ))
  eval "t_$1=$secs"
  grep -E "^deps:|$2" "$dir/root-$1.log" || true
  tail -3 "$dir/root-$1.log"
  echo "make $1: $secs s"
}
step "as root: make demo (installs the build packages, then runs)"
as_root demo '^demo:'
step "as root: make check (installs the test packages, then every suite)"
as_root check 'passed|failed|FAIL|skipped|^check-'
leftovers || fail=1

echo
echo "check-bare-machine: debootstrap ${t_boot} s, make demo ${t_demo} s, make check ${t_check} s;"\
  "packages in the end: $(in_chroot root "dpkg-query -W -f='\${Package}\n' | wc -l"); logs in $dir"
[ $fail = 0 ] && echo "check-bare-machine: passed" || { echo "check-bare-machine: FAILED"; exit 1; }
