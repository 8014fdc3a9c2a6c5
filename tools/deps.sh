#!/bin/sh
# Makes sure the Debian packages a make target needs are installed.
#
#   tools/deps.sh build   compiler, pkg-config and the -dev packages of hidapi, libusb, libudev,
#                         alsa-lib
#   tools/deps.sh check   the above plus what the test suite uses (cmocka, clang with its
#                         fuzzer runtime, the mingw-w64 Windows SDK headers for the ABI test, jq,
#                         valgrind)
#
# Run as root on Debian, missing packages are installed with apt-get. Otherwise the exact
# apt-get line is printed and the script fails, so `make` never half-builds.
set -eu

build_pkgs="gcc make pkg-config libhidapi-dev libusb-1.0-0-dev libudev-dev libasound2-dev"
check_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev mingw-w64-x86-64-dev jq valgrind"

case "${1:-build}" in
build) wanted=$build_pkgs ;;
check) wanted=$check_pkgs ;;
*) echo "usage: $0 build|check" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; install the equivalents of: $wanted" >&2
	exit 0
fi

missing=
for p in $wanted; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	exit 0
fi

echo "deps: missing Debian packages. Install them with:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
