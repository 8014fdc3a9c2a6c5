#!/bin/sh
# Real-kernel end-to-end tests: boots Debian's stock kernel under qemu with an
# initramfs built here, plugs in one USB HID gadget per fixture descriptor
# (dummy_hcd + libcomposite + usb_f_hid over configfs), and checks what the
# kernel's usbhid/hidraw side makes of them. See test/vm/README.md.
#
#   sh test/vm/run.sh            (from the repository root)
#
# Environment:
#   BUILDDIR            build directory (default build); everything goes to $BUILDDIR/vm
#   CC                  compiler for the guest programs (default cc)
#   E2E_ACCEL           kvm | tcg (default: kvm only if /dev/kvm really works)
#   E2E_TIMEOUT         seconds before qemu is killed (default 1200; the guest's watchdog
#                       fails the run 40 s before)
#   E2E_MEM             guest memory (default 512M)
#   E2E_SMP             guest CPUs (default 1: the threads of the provider and of the tests
#                       share one CPU, the case where their scheduling shows most)
#   E2E_APPEND          extra kernel command line, e.g. "e2e.steps=20-standing-set,60-latency e2e.lat=200"
#                       (knobs listed in guest/init)
#   E2E_KERNEL_PKG      kernel package to use instead of what linux-image-amd64 depends on
#   E2E_EXTRA_STEPS     directory of further guest steps (*.sh), copied next to ours
#   E2E_EXTRA_BINS      host programs and shared libraries to add, with their ldd closure:
#                       *.so* to /usr/local/lib (on the guest's LD_LIBRARY_PATH), the rest
#                       to /usr/local/bin
#   E2E_EXTRA_MODULES   further kernel modules to insmod (names, e.g. "hid-multitouch")
#
# Needs what `make all` builds (hidphone.tsp, hidphone-probe, phonectl): the guest runs the
# real provider, phonectl and the udev rules; after the run, compare-rdesc.sh checks our
# descriptor parser against the kernel's (TAP lines numbered on from the guest's). jq on the
# host, for that and, copied into the guest, for step 72's JSON checks.
#
# Exit status: 0 all guest tests passed and the kernel oracle agrees; 1 a test failed or
# the VM did not deliver a result (boot failure, timeout); the reason is printed.
set -eu

T_START=$(cut -d' ' -f1 /proc/uptime)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILDDIR=${BUILDDIR:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$PWD/$BUILDDIR ;; esac
CC=${CC:-cc}
VM=$BUILDDIR/vm
CACHE=$VM/cache
DEBS=$CACHE/debs
OUT=$VM/out
STAGE=$VM/initramfs
FIXTURES=$ROOT/test/data/descriptors
E2E_TIMEOUT=${E2E_TIMEOUT:-1200}
E2E_MEM=${E2E_MEM:-512M}
E2E_SMP=${E2E_SMP:-1}
MULTIARCH=x86_64-linux-gnu

say() { echo "run.sh: $*"; }
die() {
	echo "run.sh: ERROR: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}
elapsed() { awk -v a="$1" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN{printf "%.1f", b-a}'; }

mkdir -p "$DEBS" "$OUT" "$VM/bin"

# --- host tools ---------------------------------------------------------------

apt_ready=
apt_update_once() {
	[ -n "$apt_ready" ] && return 0
	apt_ready=1
	if [ "$(id -u)" = 0 ]; then
		say "apt-get update"
		apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed; trying with the lists as they are"
	fi
}

missing=
command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86"
command -v cpio >/dev/null || missing="$missing cpio"
command -v depmod >/dev/null || [ -x /sbin/depmod ] || [ -x /usr/sbin/depmod ] || missing="$missing kmod"
command -v xz >/dev/null || missing="$missing xz-utils"
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing host packages:$missing (install them or run as root)"
	apt_update_once
	say "installing host packages:$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
		>"$VM/apt-install.log" 2>&1 || { cat "$VM/apt-install.log" >&2; die "apt-get install$missing failed"; }
	grep '^Setting up ' "$VM/apt-install.log" | sed 's/^/run.sh:   /' || true
fi
PATH=$PATH:/sbin:/usr/sbin
command -v "$CC" >/dev/null || die "no C compiler '$CC' (set CC)"

# --- Debian packages for the guest ----------------------------------------------

# apt-get download PKG into the cache unless some version of it is there
# already, so that a second run downloads nothing.
fetch_deb() {
	set -- "$1" "$DEBS/$1"_*.deb
	if [ ! -f "$2" ]; then
		(cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$1" >&2) || {
			# Stale package lists are the usual reason: refresh once, retry.
			[ -n "$apt_ready" ] && return 1
			apt_update_once >&2
			(cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$1" >&2) || return 1
		}
		set -- "$1" "$DEBS/$1"_*.deb
		[ -f "$2" ] || return 1
		say "downloaded ${2##*/}" >&2
	fi
	echo "$2"
}

kernel_pkg() {
	[ -n "${E2E_KERNEL_PKG:-}" ] && { echo "$E2E_KERNEL_PKG"; return 0; }
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

T0=$(cut -d' ' -f1 /proc/uptime)
KPKG=$(kernel_pkg)
if [ -z "$KPKG" ]; then
	apt_update_once
	KPKG=$(kernel_pkg)
fi
if [ -z "$KPKG" ]; then
	# Offline with nothing in the lists: fall back to the newest cached image.
	cached=$(ls "$DEBS"/linux-image-[0-9]*.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$cached" ] || die "cannot tell which kernel linux-image-amd64 depends on, and none is cached"
	KPKG=$(dpkg-deb -f "$cached" Package)
fi
KDEB=$(fetch_deb "$KPKG") || die "cannot download $KPKG (if the mirror dropped it, set E2E_KERNEL_PKG)"
BBDEB=$(fetch_deb busybox-static) || die "cannot download busybox-static"
UDEVDEB=$(fetch_deb udev) || die "cannot download udev"
# amixer for step 90 (a mixer change made by another program).
ALSAUTILSDEB=$(fetch_deb alsa-utils) || die "cannot download alsa-utils"

# udevd's shared libraries, from Debian too, so the guest does not depend on
# what happens to be installed on the host: udev's lib* dependencies and
# theirs (libc6 and libgcc-s1 are taken from the host, like our programs').
udev_libs() {
	deps() {
		apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null |
			awk '$1 ~ /^(Pre)?Depends:$/ && $2 ~ /^lib/ { print $2 }'
	}
	if [ -f "$CACHE/udev-libs.list" ]; then
		cat "$CACHE/udev-libs.list"
		return 0
	fi
	l1=$(deps udev)
	[ -n "$l1" ] || return 1
	for p in $l1; do
		echo "$p"
		deps "$p"
	done | sort -u | grep -v -x -e libc6 -e libgcc-s1 >"$CACHE/udev-libs.list"
	cat "$CACHE/udev-libs.list"
}
LIBDEBS=
for p in $(udev_libs); do
	d=$(fetch_deb "$p") || die "cannot download $p"
	LIBDEBS="$LIBDEBS $d"
done
say "packages ready ($(elapsed "$T0") s)"

# --- kernel: vmlinux and modules -------------------------------------------------

KVER=${KPKG#linux-image-}
KVERSION=$(dpkg-deb -f "$KDEB" Version)
KDIR=$CACHE/kernel-$KVER-$KVERSION
# .done-cm109-audio: unpacked with cm109 (libusb test) and the sound, media-controller and
# usbip modules (step 90); older caches lack them.
if [ ! -f "$KDIR/.done-cm109-audio" ]; then
	T0=$(cut -d' ' -f1 /proc/uptime)
	rm -rf "$KDIR"
	mkdir -p "$KDIR/root"
	# Only the parts needed: the image, System.map, and the module trees the
	# guest loads from (newer Debian moves /lib/modules to /usr/lib/modules).
	modprefix=$(dpkg-deb -c "$KDEB" 2>/dev/null | awk '{print $6}' | grep -m 1 -E '^\./(usr/)?lib/modules/[^/]+/kernel/$' |
		sed 's,/[^/]*/kernel/$,,')
	[ -n "$modprefix" ] || die "no modules in $KDEB"
	dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$KDIR/root" --wildcards \
		'./boot/vmlinuz-*' './boot/System.map-*' './boot/config-*' \
		"$modprefix/*/modules.builtin" "$modprefix/*/modules.builtin.modinfo" \
		"$modprefix/*/modules.order" \
		"$modprefix/*/kernel/drivers/usb/*" "$modprefix/*/kernel/drivers/hid/*" \
		"$modprefix/*/kernel/fs/configfs/*" "$modprefix/*/kernel/sound/*" \
		"$modprefix/*/kernel/drivers/media/mc/*" \
		"$modprefix/*/kernel/drivers/input/misc/cm109.ko*" ||
		die "cannot unpack $KDEB"
	KREL=$(ls "$KDIR/root/boot" | sed -n 's/^vmlinuz-//p' | head -n 1)
	mkdir -p "$KDIR/root/lib/modules"
	[ "$modprefix" = ./lib/modules ] || mv "$KDIR/root/$modprefix/$KREL" "$KDIR/root/lib/modules/"
	# Modules compressed by newer kernels: busybox insmod wants them plain.
	find "$KDIR/root/lib/modules" -name '*.ko.xz' -exec xz -d {} +
	# The .deb ships no modules.dep. (Debian's System.map is a placeholder, so
	# depmod cannot tell whether the subset lacks a provider: a missing one
	# shows up as a failed insmod in the guest.)
	depmod -b "$KDIR/root" "$KREL" 2>"$KDIR/depmod.log" ||
		{ cat "$KDIR/depmod.log" >&2; die "depmod failed"; }
	# An uncompressed vmlinux boots several seconds faster under TCG (no xz in
	# the guest) and qemu enters it through its PVH note. The payload's offset
	# and size are in the bzImage header (boot protocol >= 2.08).
	img=$KDIR/root/boot/vmlinuz-$KREL
	setup_sects=$(od -An -tu1 -j 497 -N 1 "$img" | tr -d ' ')
	[ "$setup_sects" = 0 ] && setup_sects=4
	poff=$(od -An -tu4 -j 584 -N 4 "$img" | tr -d ' ')
	plen=$(od -An -tu4 -j 588 -N 4 "$img" | tr -d ' ')
	start=$(((setup_sects + 1) * 512 + poff))
	tail -c +$((start + 1)) "$img" | head -c "$plen" | xz -dc -q >"$KDIR/vmlinux" 2>/dev/null || true
	[ "$(od -An -c -N 4 "$KDIR/vmlinux" | tr -d ' ')" = '177ELF' ] ||
		die "could not extract vmlinux from $img (payload not xz?)"
	echo "$KREL" >"$KDIR/release"
	touch "$KDIR/.done-cm109-audio"
	say "kernel unpacked ($(elapsed "$T0") s)"
fi
KREL=$(cat "$KDIR/release")
MODDIR=$KDIR/root/lib/modules/$KREL
printf '%s %s %s\n' "$KPKG" "$KVERSION" "$KREL" >"$OUT/kernel-version.txt"
say "kernel: $KPKG $KVERSION (uname -r $KREL)"

# Load order from modules.dep: each module after its dependencies. The HID
# drivers come before usbhid so that each HID device binds at once.
module_order() {
	awk -v want="$MODULES" '
	function norm(s) { sub(/.*\//, "", s); sub(/\.ko(\.[a-z]+)?$/, "", s); gsub(/-/, "_", s); return s }
	function load(m,   i, n, d) {
		if (m in done) return
		if (!(m in path)) { missing = missing " " m; return }
		done[m] = 1
		n = split(deps[m], d, " ")
		# modules.dep lists the deepest dependency last.
		for (i = n; i >= 1; i--) load(norm(d[i]))
		print path[m]
	}
	{
		f = $1; sub(/:$/, "", f)
		m = norm(f); path[m] = f
		$1 = ""; deps[m] = $0
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) { x = w[i]; gsub(/-/, "_", x); load(x) }
		if (missing != "") { print "MISSING" missing; exit 1 }
	}' "$MODDIR/modules.dep"
}
# Drivers that claim a fixture's VID:PID over hid-generic (hid-jabra for every
# Jabra, hid-plantronics, ...): the kernel's quirk table makes hid-generic step
# aside for these devices, so without the special driver no hidraw node ever
# appears. On a real system udev loads them by modalias; here the match is done
# on the build host against modules.alias, the way kmod would.
special_drivers() {
	grep -v '^#' "$HERE/phones.tsv" | cut -f2,3 | while read -r vid pid; do
		# Telephony devices scan as HID_GROUP_GENERIC (0001).
		alias=$(printf 'hid:b0003g0001v0000%04Xp0000%04X' "0x$vid" "0x$pid")
		grep '^alias hid:' "$MODDIR/modules.alias" | while read -r _ pat mod; do
			[ "$mod" = hid_generic ] && continue
			# shellcheck disable=SC2254
			case $alias in $pat) echo "$mod" ;; esac
		done
	done | sort -u
}
SPECIAL=$(special_drivers | tr '\n' ' ')
say "HID drivers matched by the fixtures' VID:PID: ${SPECIAL:-none}"
MODULES="dummy_hcd configfs libcomposite usb_f_hid hid-generic $SPECIAL usbhid uhid ${E2E_EXTRA_MODULES:-}"
ORDER=$(module_order) || die "modules not found in $KPKG: $(echo "$ORDER" | grep MISSING)"
# Step 90's composite phones (HID + USB Audio): loaded by the step itself, after the others,
# so that the earlier steps run on exactly the modules above (usbip-vudc adds a UDC).
# snd-usb-audio calls the media controller (mc.ko, from drivers/media/mc, unpacked for it).
AUDIO_MODULES="usb_f_uac1 mc snd-usb-audio usbip-core vhci-hcd usbip-vudc"
AUDIO_ORDER=$(MODULES=$AUDIO_MODULES module_order) ||
	die "audio modules not found in $KPKG: $(echo "$AUDIO_ORDER" | grep MISSING)"

# --- busybox, udev and their libraries -------------------------------------------

SYSROOT=$CACHE/sysroot
stamp=$(for d in $BBDEB $UDEVDEB $LIBDEBS; do echo "${d##*/}"; done | sort | cksum | cut -d' ' -f1)
if [ "$(cat "$SYSROOT/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$SYSROOT"
	mkdir -p "$SYSROOT"
	for d in $BBDEB $UDEVDEB $LIBDEBS; do
		dpkg-deb -x "$d" "$SYSROOT" || die "cannot unpack $d"
	done
	echo "$stamp" >"$SYSROOT/.stamp"
fi
BUSYBOX=$SYSROOT/bin/busybox
[ -x "$BUSYBOX" ] || die "no busybox in $BBDEB"
UDEVADM=
for c in "$SYSROOT/bin/udevadm" "$SYSROOT/usr/bin/udevadm"; do
	[ -x "$c" ] && UDEVADM=$c && break
done
[ -n "$UDEVADM" ] || die "no udevadm in $UDEVDEB"
SYSLIBPATH=$SYSROOT/lib/$MULTIARCH:$SYSROOT/usr/lib/$MULTIARCH:$SYSROOT/usr/lib/$MULTIARCH/systemd:$SYSROOT/lib/systemd:$SYSROOT/usr/lib/systemd

# --- guest programs -----------------------------------------------------------------

T0=$(cut -d' ' -f1 /proc/uptime)
# What `make all` builds: the provider the guest host loads, the udev probe the guest's
# udevd runs, and phonectl (step 72 in the guest, the kernel-oracle comparison after the run).
PROVIDER=$BUILDDIR/hidphone.tsp
PROBE=$BUILDDIR/hidphone-probe
PHONECTL=$BUILDDIR/phonectl
for f in "$PROVIDER" "$PROBE" "$PHONECTL"; do
	[ -f "$f" ] || die "$f is missing: run make first (make check-vm does)"
done
GUEST_CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2"
PROGS=
for src in "$HERE"/*.c; do
	name=$(basename "$src" .c)
	case $name in
	audio-check)
		# The devices layer's audio (step 90): alsa-lib and the sysfs reader.
		# shellcheck disable=SC2086
		$CC $GUEST_CFLAGS -I"$HERE" -I"$ROOT" -o "$VM/bin/$name" "$src" "$ROOT"/devices/audio-card.c \
			"$ROOT"/devices/audio-mixer.c "$ROOT"/devices/audio-ring.c "$ROOT"/devices/usb-path.c \
			"$ROOT"/hid/hidraw-node.c \
			-lasound -lm || die "cannot build $src"
		;;
	vm-host-*)
		continue # a step group of vm-host, built with it
		;;
	vm-host)
		# The guest TAPI host: tools/tapi-host.c resolves the provider's TSPI functions,
		# tools/tapi-names.c names the messages, test/expect-file.c reads the .expect files.
		host_src="$ROOT/tools/tapi-host.c $ROOT/tools/tapi-names.c $ROOT/test/expect-file.c"
		# shellcheck disable=SC2086
		$CC $GUEST_CFLAGS -I"$HERE" -I"$ROOT/include" -I"$ROOT" -I"$ROOT/test" -I"$ROOT/tools" \
			-DTEST_PROVIDER='"/usr/local/lib/hidphone.tsp"' \
			-DHIDPHONE_TSP_INSTALLED='"/usr/local/lib/hidphone.tsp"' -o "$VM/bin/$name" "$src" \
			"$HERE"/vm-host-*.c $host_src -ldl -pthread || die "cannot build $src"
		;;
	*)
		# shellcheck disable=SC2086
		$CC $GUEST_CFLAGS -I"$HERE" -o "$VM/bin/$name" "$src" || die "cannot build $src"
		;;
	esac
	PROGS="$PROGS $VM/bin/$name"
done

# --- initramfs --------------------------------------------------------------------

# Copies an ELF file and every shared library ldd lists for it to the same
# path in the initramfs. Libraries found in the unpacked .debs are put where
# they are in the package.
copy_with_libs() {
	src=$1
	dst=$2
	mkdir -p "$STAGE/$(dirname "$dst")"
	cp -L "$src" "$STAGE/$dst"
	LD_LIBRARY_PATH=$SYSLIBPATH ldd "$src" >"$VM/ldd.tmp" 2>&1 || true
	if grep -q 'not found' "$VM/ldd.tmp"; then
		cat "$VM/ldd.tmp" >&2
		die "unresolved libraries for $src (a stale $CACHE/udev-libs.list can be deleted)"
	fi
	grep -q 'not a dynamic executable' "$VM/ldd.tmp" && return 0
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$VM/ldd.tmp" |
		while read -r lib; do
			case $lib in
			"$SYSROOT"/*) g=${lib#"$SYSROOT"} ;;
			*) g=$lib ;;
			esac
			[ -e "$STAGE$g" ] && continue
			mkdir -p "$STAGE$(dirname "$g")"
			cp -L "$lib" "$STAGE$g"
		done
}

rm -rf "$STAGE"
mkdir -p "$STAGE"
for d in bin sbin usr/bin usr/sbin usr/local/bin usr/local/lib lib/modules etc/e2e/descriptors e2e/steps \
	proc sys dev run tmp root; do
	mkdir -p "$STAGE/$d"
done
cp "$BUSYBOX" "$STAGE/bin/busybox"
# Skip busybox itself: linking bin/busybox to busybox makes a loop the kernel
# cannot exec (ELOOP).
"$BUSYBOX" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	[ -e "$STAGE/$applet" ] || ln -s /bin/busybox "$STAGE/$applet"
done
copy_with_libs "$UDEVADM" /bin/udevadm
# udevadm acts as the daemon when called systemd-udevd.
ln -s /bin/udevadm "$STAGE/sbin/systemd-udevd"
for p in $PROGS; do
	copy_with_libs "$p" "/usr/local/bin/${p##*/}"
done
for p in ${E2E_EXTRA_BINS:-}; do
	[ -f "$p" ] || die "E2E_EXTRA_BINS: no file $p"
	case ${p##*/} in
	*.so | *.so.*) copy_with_libs "$p" "/usr/local/lib/${p##*/}" ;;
	*) copy_with_libs "$p" "/usr/local/bin/${p##*/}" ;;
	esac
done
# The provider as a host finds it, with its ldd closure (hidapi-hidraw, libudev, ...).
copy_with_libs "$PROVIDER" /usr/local/lib/hidphone.tsp
# glibc's pthread_cancel() (vm-host stops its gadget readers so) dlopen()s libgcc_s, which
# no ldd closure names: the host's, at the path the guest's loader looks in.
LIBGCC_S=$(/sbin/ldconfig -p |
	awk '/^[[:space:]]*libgcc_s\.so\.1 \(libc6,x86-64\)/ { print $NF; exit }')
[ -n "$LIBGCC_S" ] || die "no libgcc_s.so.1 on this host (Debian's libgcc-s1)"
copy_with_libs "$LIBGCC_S" "$LIBGCC_S"
# phonectl for step 72 (it loads the provider above through HIDPHONE_TSP), and jq to check
# its JSON there: busybox has none, so the host's jq goes in with its libraries.
copy_with_libs "$PHONECTL" /usr/local/bin/phonectl
if command -v jq >/dev/null; then
	copy_with_libs "$(command -v jq)" /usr/local/bin/jq
else
	say "no jq on this host: the guest's phonectl checks will fail (apt-get install jq)"
fi
# Debian's baresip (baresip-core, as `make check` uses it) for step 74's call: the program
# and the modules it loads there, each with its libraries (the modules are dlopen()ed, so
# ldd of the program does not list them).
if [ -x /usr/bin/baresip ]; then
	copy_with_libs /usr/bin/baresip /usr/bin/baresip
	for m in g711 account ausine aubridge menu; do
		copy_with_libs "/usr/lib/baresip/modules/$m.so" "/usr/lib/baresip/modules/$m.so"
	done
else
	say "no baresip on this host: the guest's call step will fail (apt-get install baresip-core)"
fi
# The udev rules and their probe where `make install-udev` puts them: udev's own directory,
# from which udevd runs a rule's bare program name (/lib/udev in Debian 12's udev).
UDEVLIBDIR=
for d in /lib/udev /usr/lib/udev; do
	[ -d "$SYSROOT$d/rules.d" ] && { UDEVLIBDIR=$d; break; }
done
[ -n "$UDEVLIBDIR" ] || die "cannot tell udev's directory from $UDEVDEB"
mkdir -p "$STAGE$UDEVLIBDIR/rules.d"
copy_with_libs "$PROBE" "$UDEVLIBDIR/hidphone-probe"
cp "$ROOT/udev/70-hidphone.rules" "$STAGE$UDEVLIBDIR/rules.d/70-hidphone.rules"
cp "$ROOT/udev/69-hidphone-profiles.rules" "$STAGE$UDEVLIBDIR/rules.d/69-hidphone-profiles.rules"
cp "$HERE/gadget.sh" "$STAGE/usr/local/bin/gadget.sh"
chmod +x "$STAGE/usr/local/bin/gadget.sh"
cp "$HERE/gadget-audio.sh" "$STAGE/usr/local/bin/gadget-audio.sh"
chmod +x "$STAGE/usr/local/bin/gadget-audio.sh"
# alsa-lib's configuration (it cannot open "hw:N" without alsa.conf) and amixer.
[ -f /usr/share/alsa/alsa.conf ] || die "no /usr/share/alsa/alsa.conf on this host (libasound2-data)"
mkdir -p "$STAGE/usr/share"
cp -r /usr/share/alsa "$STAGE/usr/share/alsa"
rm -rf "$VM/alsa-utils"
mkdir -p "$VM/alsa-utils"
dpkg-deb -x "$ALSAUTILSDEB" "$VM/alsa-utils" || die "cannot unpack $ALSAUTILSDEB"
copy_with_libs "$VM/alsa-utils/usr/bin/amixer" /usr/bin/amixer
cp "$HERE/guest/init" "$STAGE/init"
chmod +x "$STAGE/init"
cp "$HERE/guest/lib.sh" "$STAGE/e2e/lib.sh"
cp "$HERE"/guest/steps/*.sh "$STAGE/e2e/steps/"
if [ -n "${E2E_EXTRA_STEPS:-}" ]; then
	cp "$E2E_EXTRA_STEPS"/*.sh "$STAGE/e2e/steps/" || die "E2E_EXTRA_STEPS: no steps in $E2E_EXTRA_STEPS"
fi
cp "$HERE/phones.tsv" "$STAGE/etc/e2e/phones.tsv"
mkdir -p "$STAGE/etc/e2e/scripts"
cp "$HERE"/guest/scripts/* "$STAGE/etc/e2e/scripts/" 2>/dev/null || true
nfx=0
for fx in $(grep -v '^#' "$HERE/phones.tsv" | cut -f1); do
	[ -f "$FIXTURES/$fx.rdesc.hex" ] || die "fixture $FIXTURES/$fx.rdesc.hex is missing"
	cp "$FIXTURES/$fx.rdesc.hex" "$STAGE/etc/e2e/descriptors/"
	# Field positions from the independent decoder: what the provider checks are made of.
	[ -f "$FIXTURES/$fx.expect" ] && cp "$FIXTURES/$fx.expect" "$STAGE/etc/e2e/descriptors/"
	nfx=$((nfx + 1))
done
: >"$STAGE/etc/e2e/modules.order"
for m in $ORDER; do
	cp "$MODDIR/$m" "$STAGE/lib/modules/${m##*/}"
	echo "${m##*/}" >>"$STAGE/etc/e2e/modules.order"
done
: >"$STAGE/etc/e2e/audio-modules.order"
for m in $AUDIO_ORDER; do
	[ -e "$STAGE/lib/modules/${m##*/}" ] && continue
	cp "$MODDIR/$m" "$STAGE/lib/modules/${m##*/}"
	echo "${m##*/}" >>"$STAGE/etc/e2e/audio-modules.order"
done
# nobody: step 72 runs phonectl as a user who may not open the hidraw nodes (busybox su).
printf '%s\n' "root:x:0:0:root:/root:/bin/sh" "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh" \
	>"$STAGE/etc/passwd"
printf '%s\n' "root:x:0:" "nogroup:x:65534:" >"$STAGE/etc/group"
cat "$OUT/kernel-version.txt" >"$STAGE/etc/e2e/kernel-version"
# Uncompressed: unpacking beats decompressing gzip/xz under TCG.
(cd "$STAGE" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$VM/initramfs.cpio" ||
	die "cpio failed"
say "initramfs: $nfx fixtures, modules:$(for m in $ORDER; do printf ' %s' "$(basename "$m" .ko)"; done)," \
	"$(($(wc -c <"$VM/initramfs.cpio") / 1024)) KiB ($(elapsed "$T0") s)"

# --- boot ---------------------------------------------------------------------------

# /dev/kvm alone proves little: some CI hosts offer a software KVM (kvm_pvm)
# that cannot run a stock kernel. Use KVM only with hardware virtualisation.
kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	grep -qwE 'vmx|svm' /proc/cpuinfo || return 1
	! grep -q '^kvm_pvm ' /proc/modules
}
ACCEL=${E2E_ACCEL:-}
if [ -z "$ACCEL" ]; then
	if kvm_usable; then ACCEL=kvm; else ACCEL=tcg; fi
fi
case $ACCEL in
kvm) CPU=host ;;
tcg) CPU=max ;;
*) die "E2E_ACCEL must be kvm or tcg" ;;
esac

rm -f "$OUT"/*.kernel-rdesc.txt "$OUT/dmesg.txt" "$OUT/console.log"
QEMU_VERSION=$(qemu-system-x86_64 --version | head -n 1)
say "booting: $QEMU_VERSION, accel $ACCEL, -m $E2E_MEM, -smp $E2E_SMP, timeout ${E2E_TIMEOUT}s"
printf '%s\n' "$QEMU_VERSION" >"$OUT/qemu-version.txt"
T_BOOT=$(cut -d' ' -f1 /proc/uptime)
# stdin from /dev/null: qemu must never wait for, or grab, a terminal.
# The console goes to console.log whole; the terminal gets it without the
# bulk of exported files.
{
	set +e
	timeout -k 10 "$E2E_TIMEOUT" qemu-system-x86_64 \
		-nodefaults -no-user-config -nographic -monitor none -serial stdio \
		-machine pc -accel "$ACCEL" -cpu "$CPU" -m "$E2E_MEM" -smp "$E2E_SMP" -no-reboot \
		-kernel "$KDIR/vmlinux" -initrd "$VM/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3 ${E2E_APPEND:-} e2e.watchdog=$((E2E_TIMEOUT - 40))" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>&1
	echo $? >"$VM/qemu.status"
} | tr -d '\r' | tee "$OUT/console.log" | awk '
	/^E2E-BEGIN-FILE / { name = $2; n = 0; next }
	/^E2E-END-FILE / { print "# exported " name " (" n " lines)"; fflush(); name = ""; next }
	name != "" { n++; next }
	{ gsub(/\033(\[[0-9;?]*[A-Za-z]|c)/, ""); print; fflush() }'
QEMU_RC=$(cat "$VM/qemu.status")
BOOT_S=$(elapsed "$T_BOOT")

# Files the guest exported between marker lines.
awk -v dir="$OUT" '
	/^E2E-BEGIN-FILE / { name = $2; if (name ~ /\// || name ~ /^\./) name = ""; else { f = dir "/" name; printf "" > f }; next }
	/^E2E-END-FILE / { if (name != "") close(f); name = ""; next }
	name != "" { print > f }' "$OUT/console.log"

say "qemu exit status $QEMU_RC; kernel $KPKG $KVERSION; accel $ACCEL"
say "elapsed: qemu ${BOOT_S} s, total $(elapsed "$T_START") s; logs in $OUT"

result=$(grep -E '^E2E-RESULT (PASS|FAIL)$' "$OUT/console.log" | tail -n 1 | cut -d' ' -f2)
counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/console.log" | tail -n 1)
if ! grep -q 'E2E-INIT-STARTED' "$OUT/console.log"; then
	say "FAIL: the guest never reached /init (qemu status $QEMU_RC); see $OUT/console.log"
	echo "0 passed, 1 failed"
	exit 1
fi
guest_ok=1
if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
	say "FAIL: the guest did not finish within ${E2E_TIMEOUT} s; see $OUT/console.log"
	guest_ok=0
elif [ -z "$result" ] || [ -z "$counts" ]; then
	say "FAIL: the guest stopped without a result (qemu status $QEMU_RC)"
	guest_ok=0
elif [ "$result" != PASS ] || [ "$QEMU_RC" != 1 ]; then
	# isa-debug-exit: 1 = guest wrote 0 (pass), 3 = guest wrote 1 (fail).
	say "FAIL: guest result $result, qemu status $QEMU_RC"
	guest_ok=0
fi
# The guest's TAP lines as counted on the console (a cut-off run has no totals line). A
# "not ok ... # TODO" is a known bug (guest/lib.sh tap_todo): counted apart, failing nothing.
g_pass=$(grep -c '^ok [0-9]' "$OUT/console.log" || true)
g_todo=$(grep '^not ok [0-9]' "$OUT/console.log" | grep -c ' # TODO ' || true)
g_fail=$(($(grep -c '^not ok [0-9]' "$OUT/console.log" || true) - g_todo))
[ "$guest_ok" = 1 ] || [ "$g_fail" -gt 0 ] || g_fail=1

# The kernel as an oracle for our descriptor parser: its parse of every fixture, exported
# by the guest, against phonectl's. The TAP numbering continues the guest's.
T0=$(cut -d' ' -f1 /proc/uptime)
PHONECTL=$PHONECTL OUT=$OUT FIXTURES=$FIXTURES TSV=$HERE/phones.tsv \
	sh "$HERE/compare-rdesc.sh" $((g_pass + g_fail + g_todo + 1)) >"$OUT/oracle.tap" 2>&1 || true
cat "$OUT/oracle.tap"
o_pass=$(grep -c '^ok [0-9]' "$OUT/oracle.tap" || true)
o_fail=$(grep -c '^not ok [0-9]' "$OUT/oracle.tap" || true)
say "kernel oracle: $o_pass fixtures agree, $o_fail disagree ($(elapsed "$T0") s)"
say "total $(elapsed "$T_START") s"
[ "$g_todo" -eq 0 ] || say "$g_todo known bug(s) marked TODO (not ok ... # TODO), not counted as failures"
echo "$((g_pass + o_pass)) passed, $((g_fail + o_fail)) failed"
[ "$guest_ok" = 1 ] && [ "$o_fail" -eq 0 ]
