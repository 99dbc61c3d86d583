#!/usr/bin/env bash
# Runs a command as root inside a QEMU VM booted with another kernel, in the caller's directory, on the host's
# filesystem; streams the command's output and exits with its status.
#
#   bash tests/vm/run.sh KERNEL -- COMMAND...
#
# KERNEL: 6.1 (Debian bookworm's newest linux-image-6.1.0-NN-amd64), 6.12 (Debian trixie's), 5.10 (bullseye's), or the path of an
# unpacked kernel package (a directory holding boot/vmlinuz-RELEASE and lib/modules/RELEASE).
#
# The guest sees the host's / read-only over 9p with a tmpfs overlay for writes (writes vanish with the VM), except
# the caller's directory, which is shared read-write so results (TestResults, logs) land on the host.
#
# Environment: VM_CACHE (default /var/cache/ebpf-vm: kernel packages, unpacked kernels, run directories),
# VM_MEMORY (default 6G), VM_CPUS (default 2), VM_TIMEOUT (seconds, default 5400), VM_CONSOLE=1 to print the
# guest's kernel console after the run, VM_APPEND for more kernel parameters, VM_DEBUG=1 to keep the run directory with a process list of the guest.
# VM_SELFTESTS=0 skips compiling the BPF selftests for the guest kernel on the host (see prepare_selftests).
set -euo pipefail

readonly CACHE="${VM_CACHE:-/var/cache/ebpf-vm}"
readonly MEMORY="${VM_MEMORY:-6G}"
readonly CPUS="${VM_CPUS:-2}"
readonly TIMEOUT="${VM_TIMEOUT:-5400}"
# 9p's largest message size over virtio on these kernels; the 8 KiB default makes file reads crawl.
readonly MSIZE=512000
# Modules the initramfs loads (with their dependencies) to mount the shares: virtio PCI transport, 9p, overlayfs.
readonly BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

KERNEL_ROOT=""  # the unpacked kernel package
RELEASE=""      # its `uname -r`
RUN_DIR=""      # this run's shared directory: command script, output, status, console log

fail() {
  echo "vm: $*" >&2
  exit 1
}

usage() {
  echo "usage: bash tests/vm/run.sh 5.10|6.1|6.12|KERNEL_DIR -- COMMAND..." >&2
  exit 2
}

require_tools() {
  local tool missing=()
  for tool in qemu-system-x86_64 busybox dpkg-deb depmod apt-get xz zstd gzip objcopy; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || fail "missing tools: ${missing[*]} (apt-get install qemu-system-x86 busybox-static)"
  # The initramfs needs a busybox that runs without the host's libraries.
  ! ldd "$(command -v busybox)" >/dev/null 2>&1 || fail "busybox is not static (install busybox-static)"
}

# --- kernel: fetch, unpack, index ---------------------------------------------------------------------------

# Packages of another Debian release (trixie, bullseye) come through a private apt state (sources, lists, caches)
# under the cache directory, so the system's apt configuration is neither read for sources nor changed.
release_apt_options() {
  local dir="$CACHE/apt-$1"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d"
  [ -f "$dir/sources.list" ] || echo "deb http://deb.debian.org/debian $1 main" >"$dir/sources.list"
  printf '%s\n' -o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=$dir/sources.list.d" \
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
}

# Updates the package lists named by the stamp when it is missing or a day old: a kernel package the lists name
# disappears from the mirror once a newer ABI replaces it.
update_package_lists() {
  local stamp="$CACHE/apt-updated-$1"
  shift
  [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ] || return 0
  apt-get "$@" update -qq >&2 || fail "apt-get update failed"
  touch "$stamp"
}

# Prints the newest package whose name matches the pattern.
newest_package() {
  local pattern="$1" found
  shift
  found="$(apt-cache "$@" search --names-only "$pattern" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n1)"
  [ -n "$found" ] || fail "no package matches $pattern"
  echo "$found"
}

# Downloads and unpacks a Debian kernel package once; sets KERNEL_ROOT.
fetch_debian_kernel() {
  local series="$1" package version
  local apt_options=()
  case "$series" in
    6.1)
      update_package_lists system
      package="$(newest_package '^linux-image-6\.1\.0-[0-9]+-amd64$')"
      ;;
    6.12)
      mapfile -t apt_options < <(release_apt_options trixie)
      update_package_lists trixie "${apt_options[@]}"
      package="$(newest_package '^linux-image-6\.12\.[0-9]+\+deb13-amd64$' "${apt_options[@]}")"
      ;;
    5.10)
      mapfile -t apt_options < <(release_apt_options bullseye)
      update_package_lists bullseye "${apt_options[@]}"
      package="$(newest_package '^linux-image-5\.10\.0-[0-9]+-amd64$' "${apt_options[@]}")"
      ;;
  esac
  version="$(apt-cache "${apt_options[@]}" show "$package" | sed -n 's/^Version: //p' | sort -V | tail -n1)"
  KERNEL_ROOT="$CACHE/kernels/${package}_$version"
  [ -d "$KERNEL_ROOT/boot" ] && return
  echo "vm: fetching $package $version" >&2
  local download="$CACHE/debs"
  mkdir -p "$download"
  # As root apt drops to the _apt user for downloads, which cannot write the cache directory.
  (cd "$download" && apt-get "${apt_options[@]}" -o APT::Sandbox::User=root download -qq "$package=$version") >&2 ||
    fail "apt-get download $package=$version failed"
  rm -rf "$KERNEL_ROOT.partial"
  mkdir -p "$KERNEL_ROOT.partial"
  dpkg-deb -x "$download/${package}_${version//:/%3a}_amd64.deb" "$KERNEL_ROOT.partial"
  mv "$KERNEL_ROOT.partial" "$KERNEL_ROOT"
}

# Sets KERNEL_ROOT and RELEASE from the KERNEL argument; indexes the modules (packages ship no modules.dep).
resolve_kernel() {
  case "$1" in
    5.10 | 6.1 | 6.12) fetch_debian_kernel "$1" ;;
    *)
      [ -d "$1" ] || fail "$1: neither 5.10, 6.1, 6.12 nor a directory"
      KERNEL_ROOT="$(cd "$1" && pwd)"
      ;;
  esac
  # Packages from trixie on install into /usr/lib/modules; give them the lib -> usr/lib link of a merged-/usr system
  # so depmod and the rest find lib/modules.
  if [ ! -e "$KERNEL_ROOT/lib" ] && [ -d "$KERNEL_ROOT/usr/lib/modules" ]; then
    ln -s usr/lib "$KERNEL_ROOT/lib" || fail "cannot link $KERNEL_ROOT/lib to usr/lib"
  fi
  local modules=("$KERNEL_ROOT"/lib/modules/*/)
  [ -d "${modules[0]}" ] || fail "$KERNEL_ROOT has no lib/modules/RELEASE"
  RELEASE="$(basename "${modules[0]}")"
  [ -f "$KERNEL_ROOT/lib/modules/$RELEASE/modules.dep" ] || depmod -b "$KERNEL_ROOT" "$RELEASE" ||
    fail "depmod failed for $KERNEL_ROOT"
}

# --- boot image: uncompressed vmlinux, initramfs --------------------------------------------------------------

# QEMU boots an ELF vmlinux through PVH, skipping the bzImage's real-mode setup and self-decompression (slow under
# TCG). Like the kernel's scripts/extract-vmlinux: try each compressed stream in vmlinuz until one decompresses to
# an ELF image.
extract_vmlinux() {
  local vmlinuz="$1" out="$2" magic tool offset
  for magic in 'fd377a585a00:xz' '28b52ffd:zstd' '1f8b0800:gzip'; do
    tool="${magic#*:}"
    for offset in $(LC_ALL=C grep -obUaP "$(sed 's/../\\x&/g' <<<"${magic%%:*}")" "$vmlinuz" | cut -d: -f1); do
      # Trailing data (the setup code's tail, a signature) makes the decompressors complain after the image.
      tail -c +$((offset + 1)) "$vmlinuz" | "$tool" -dc >"$out.partial" 2>/dev/null || true
      if [ "$(head -c 4 "$out.partial" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
        mv "$out.partial" "$out"
        return
      fi
    done
  done
  rm -f "$out.partial"
  fail "no ELF image found in $vmlinuz"
}

# Prints the kernel QEMU boots: the package's vmlinux, or one extracted from its vmlinuz (cached in CACHE/vmlinux).
boot_image() {
  local boot="$KERNEL_ROOT/boot"
  if [ -f "$boot/vmlinux-$RELEASE" ]; then
    echo "$boot/vmlinux-$RELEASE"
    return
  fi
  [ -f "$boot/vmlinuz-$RELEASE" ] || fail "$boot has neither vmlinux-$RELEASE nor vmlinuz-$RELEASE"
  local image="$CACHE/vmlinux/$(echo "$KERNEL_ROOT" | sha1sum | cut -c1-12)-$RELEASE"
  if [ ! -f "$image" ] || [ "$boot/vmlinuz-$RELEASE" -nt "$image" ]; then
    mkdir -p "$(dirname "$image")"
    extract_vmlinux "$boot/vmlinuz-$RELEASE" "$image"
  fi
  echo "$image"
}

# Prints the module files (paths relative to lib/modules/RELEASE) to load for the given modules, dependencies first,
# each once. Modules built into the kernel have no line in modules.dep and are skipped.
modules_in_load_order() {
  local dep_file="$KERNEL_ROOT/lib/modules/$RELEASE/modules.dep"
  declare -A seen=()
  visit() {
    local name="${1//-/_}" line file dep
    line="$(grep -E "/${name//_/[_-]}\.ko(\.[a-z]+)?:" "$dep_file" || true)"
    [ -n "$line" ] || return 0
    file="${line%%:*}"
    [ -z "${seen[$file]:-}" ] || return 0
    seen[$file]=1
    for dep in ${line#*:}; do
      dep="$(basename "$dep")"
      visit "${dep%%.ko*}"
    done
    echo "$file"
  }
  local module
  for module in "$@"; do visit "$module"; done
}

# The guest's first process: mounts the shares, builds the root (host / read-only, tmpfs overlay, kernel
# filesystems), runs RUN_DIR/command.sh in it (moved over /, not chrooted), records its status, powers off. Values come from /vm.conf.
write_init() {
  cat >"$1" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
. /vm.conf

die() {
  echo "vm-init: $*"
  poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for module in $(cat /modules.order); do
  insmod "/modules/$module" || die "insmod $module failed"
done

# The root: the host's / (read-only 9p, cached: the host does not change under the run) below a tmpfs for writes.
mkdir -p /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=$MSIZE host /host || die "9p mount of the host failed"
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || die "overlay mount failed"

# Read-write shares, uncached so the host sees every write: the run directory and the caller's directory.
mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap,msize=$MSIZE run "/newroot$RUN_DIR" || die "9p mount of the run directory failed"
if [ -n "$WORK_DIR" ]; then
  mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap,msize=$MSIZE work "/newroot$WORK_DIR" || die "9p mount of $WORK_DIR failed"
fi

# Kernel filesystems at their usual places. cgroup2 sits at /sys/fs/cgroup/unified below a tmpfs, as on the host.
r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts devpts $r/dev/pts
mount -t tmpfs tmpfs $r/dev/shm
mount -t tmpfs tmpfs $r/run
mount -t bpf bpf $r/sys/fs/bpf
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t securityfs securityfs $r/sys/kernel/security
mount -t tmpfs -o mode=755 tmpfs $r/sys/fs/cgroup
mkdir $r/sys/fs/cgroup/unified
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup/unified

# The kernel's module autoloading (veth, schedulers, ...) runs modprobe from this initramfs root: hand it to the
# host's modprobe in the new root, where the guest kernel's modules are bound at /lib/modules/RELEASE.
mkdir -p "$r/lib/modules/$RELEASE"
mount --bind "/newroot$KERNEL_ROOT/lib/modules/$RELEASE" "$r/lib/modules/$RELEASE"
echo /modprobe > /proc/sys/kernel/modprobe
# The kernel's config where KernelConfig looks for it (/boot/config-RELEASE).
cp "/newroot$KERNEL_ROOT/boot/config-$RELEASE" "$r/boot/" 2>/dev/null || true

ip link set lo up
hostname vm

# VM_DEBUG=1: a process list in the run directory every 20 s, to see where a long command is.
if [ "$DEBUG" = 1 ]; then
  (while sleep 20; do top -b -n 1 > "$r$RUN_DIR/ps.txt" 2>&1; done) &
fi

# The command runs with the new root moved over / in a mount namespace of its own, as switch_root does, and not in a
# chroot: the kernel refuses unshare(CLONE_NEWUSER) to a chrooted process (EPERM), which the BPF token tests need
# (tests/native/userns_bpffs.c). This shell keeps the initramfs root, for the status, poweroff and /modprobe.
unshare -m --propagation private /bin/busybox sh -c 'cd "$1" && mount -o move . / && exec chroot . /bin/sh "$2"' \
  move-root "$r" "$RUN_DIR/command.sh"
echo $? > "$r$RUN_DIR/status"
sync
poweroff -f
INIT
  chmod +x "$1"
}

# Prints the initramfs path, built in the run directory: busybox, the boot modules (uncompressed: busybox insmod
# reads plain ELF), the init script and its settings.
build_initramfs() {
  local tree="$RUN_DIR/initramfs" module
  mkdir -p "$tree"/{bin,modules,proc,sys,dev}
  cp "$(command -v busybox)" "$tree/bin/busybox"
  : >"$tree/modules.order"
  for module in $(modules_in_load_order "${BOOT_MODULES[@]}"); do
    local source="$KERNEL_ROOT/lib/modules/$RELEASE/$module" name
    name="$(basename "${module%%.ko*}").ko"
    case "$module" in
      *.ko.xz) xz -dc "$source" >"$tree/modules/$name" ;;
      *.ko.zst) zstd -qdc "$source" >"$tree/modules/$name" ;;
      *.ko.gz) gzip -dc "$source" >"$tree/modules/$name" ;;
      *) cp "$source" "$tree/modules/$name" ;;
    esac
    echo "$name" >>"$tree/modules.order"
  done
  write_init "$tree/init"
  printf '#!/bin/busybox sh\nexec /bin/busybox chroot /newroot /sbin/modprobe "$@"\n' >"$tree/modprobe"
  chmod +x "$tree/modprobe"
  {
    printf 'MSIZE=%q\nRELEASE=%q\nRUN_DIR=%q\nWORK_DIR=%q\nKERNEL_ROOT=%q\nDEBUG=%q\n' \
      "$MSIZE" "$RELEASE" "$RUN_DIR" "$(work_dir)" "$KERNEL_ROOT" "${VM_DEBUG:-0}"
  } >"$tree/vm.conf"
  (cd "$tree" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$RUN_DIR/initramfs.cpio.gz"
  rm -rf "$tree"
  echo "$RUN_DIR/initramfs.cpio.gz"
}

# --- BPF selftest objects ----------------------------------------------------------------------------------------

# Prints the guest kernel's raw BTF (the .BTF section of its vmlinux, what /sys/kernel/btf/vmlinux holds), extracted
# once into CACHE/btf.
guest_btf() {
  local kernel="$1" btf="$CACHE/btf/$(echo "$KERNEL_ROOT" | sha1sum | cut -c1-12)-$RELEASE.btf"
  if [ ! -s "$btf" ] || [ "$kernel" -nt "$btf" ]; then
    mkdir -p "$(dirname "$btf")"
    objcopy --dump-section ".BTF=$btf.partial" "$kernel" "$btf.elf" >&2 || fail "no .BTF section in $kernel"
    rm -f "$btf.elf"
    mv "$btf.partial" "$btf"
  fi
  echo "$btf"
}

# Test discovery in Ebpf.Tests compiles the BPF selftests of linux-source-6.1 for the running kernel
# (tests/Ebpf.Tests/RealWorld/KernelSelftestObjects.cs), which takes 20+ minutes under TCG. When the command runs
# Ebpf.Tests.dll and the tarball is installed, compile them here for the guest kernel first: the host's test discovery
# (dotnet test --list-tests) with EBPF_SELFTESTS_BTF and EBPF_SELFTESTS_RELEASE fills the cache under /tmp, which the
# guest sees through its overlay and finds under the same key.
prepare_selftests() {
  local kernel="$1" arg dll=""
  shift
  [ "${VM_SELFTESTS:-1}" != 0 ] && [ -f /usr/src/linux-source-6.1.tar.xz ] || return 0
  for arg in "$@"; do
    case "$arg" in *Ebpf.Tests.dll) dll="$arg" ;; esac
  done
  [ -n "$dll" ] || return 0
  [ -f "$dll" ] || fail "$dll not found (build first)"
  local btf started=$SECONDS
  btf="$(guest_btf "$kernel")"
  echo "vm: compiling the BPF selftests for $RELEASE on the host (test discovery)" >&2
  EBPF_SELFTESTS_BTF="$btf" EBPF_SELFTESTS_RELEASE="$RELEASE" dotnet test "$dll" --list-tests >"$CACHE/selftests-$RELEASE.log" 2>&1 ||
    fail "test discovery for $RELEASE failed: $CACHE/selftests-$RELEASE.log"
  echo "vm: selftests ready for $RELEASE ($((SECONDS - started)) s)" >&2
}

# --- run --------------------------------------------------------------------------------------------------------

# The caller's directory, shared read-write; none when it is / (the whole host would be writable).
work_dir() {
  [ "$PWD" = / ] || echo "$PWD"
}

# The script the guest runs: the caller's directory, a writable HOME for dotnet, output to the run directory.
write_command() {
  local vars=(PATH="$PATH" HOME=/root DOTNET_CLI_HOME=/root TMPDIR=/tmp TERM=dumb
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    EBPF_TEST_TIMEOUT_SCALE="${EBPF_TEST_TIMEOUT_SCALE:-10}") # emulation: test timeouts (tests/Ebpf.Tests/Support/TestTimeouts.cs) x10
  [ -z "${DOTNET_ROOT:-}" ] || vars+=(DOTNET_ROOT="$DOTNET_ROOT")
  {
    echo "cd $(printf %q "$PWD") || exit 125"
    echo "export -- $(printf '%q ' "${vars[@]}")"
    echo "exec $(printf '%q ' "$@") </dev/null >$(printf %q "$RUN_DIR/output") 2>&1"
  } >"$RUN_DIR/command.sh"
}

# Boots the VM and streams the command's output while it runs. TCG with one host thread: KVM hangs on this machine
# and multi-threaded TCG oopsed 6.12 while BPF patched kernel text. -cpu max: .NET needs x86-64-v2 (SSE4.2, POPCNT),
# which the default qemu64 model lacks. no_timer_check: under a loaded host the emulated timer can miss the boot's
# IO-APIC check, which then panics.
boot_vm() {
  local kernel="$1" initramfs="$2" work
  work="$(work_dir)"
  local qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
    -machine pc -accel tcg,thread=single -cpu max -m "$MEMORY" -smp "$CPUS"
    -kernel "$kernel" -initrd "$initramfs"
    -append "console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check lsm=lockdown,capability,bpf ${VM_APPEND:-}"
    -serial "file:$RUN_DIR/console.log"
    -virtfs "local,path=/,mount_tag=host,readonly=on,multidevs=remap,security_model=none"
    -virtfs "local,path=$RUN_DIR,mount_tag=run,security_model=none")
  [ -z "$work" ] || qemu+=(-virtfs "local,path=$work,mount_tag=work,multidevs=remap,security_model=none")

  : >"$RUN_DIR/output"
  timeout "$TIMEOUT" "${qemu[@]}" &
  local vm=$!
  tail -n +1 -f --pid="$vm" "$RUN_DIR/output" &
  local follower=$!
  local vm_status=0
  wait "$vm" || vm_status=$?
  wait "$follower" || true
  [ "$vm_status" -ne 124 ] || echo "vm: timed out after ${TIMEOUT}s" >&2
  [ "$vm_status" -eq 0 ] || [ "$vm_status" -eq 124 ] || echo "vm: qemu exited with status $vm_status" >&2
}

# Kernel trouble during the run (oopses, warnings, BPF splats) is worth seeing even when the command passed.
report_console() {
  local console="$RUN_DIR/console.log"
  if [ "${VM_CONSOLE:-0}" = 1 ]; then
    cat "$console" >&2
  elif grep -qE 'BUG:|Oops|WARNING:|Call Trace|Kernel panic' "$console"; then
    echo "vm: kernel console reported problems:" >&2
    grep -E -A3 'BUG:|Oops|WARNING:|Kernel panic' "$console" | head -n 60 >&2
  fi
}

main() {
  [ $# -ge 3 ] && [ "$2" = -- ] || usage
  local kernel_arg="$1"
  shift 2
  require_tools
  mkdir -p "$CACHE"
  # Runs started together share the cache: one at a time fetches, unpacks and extracts.
  exec 9>"$CACHE/.lock"
  flock 9
  resolve_kernel "$kernel_arg"
  local kernel
  kernel="$(boot_image)"
  flock -u 9
  prepare_selftests "$kernel" "$@"

  mkdir -p "$CACHE/runs"
  RUN_DIR="$(mktemp -d "$CACHE/runs/run.XXXXXX")"
  # VM_DEBUG=1 keeps the run directory (output, console log, process list).
  if [ "${VM_DEBUG:-0}" = 1 ]; then
    echo "vm: run directory $RUN_DIR" >&2
  else
    trap 'rm -rf "$RUN_DIR"' EXIT
  fi
  write_command "$@"
  local initramfs
  initramfs="$(build_initramfs)"
  echo "vm: booting $RELEASE" >&2
  boot_vm "$kernel" "$initramfs"

  # No status: the VM did not boot, or died or timed out under the command. That is a failure, never a skip.
  if [ ! -f "$RUN_DIR/status" ]; then
    echo "vm: $RELEASE: the VM ended before the command finished; kernel console:" >&2
    tail -n 40 "$RUN_DIR/console.log" >&2
    exit 1
  fi
  report_console
  exit "$(cat "$RUN_DIR/status")"
}

main "$@"
