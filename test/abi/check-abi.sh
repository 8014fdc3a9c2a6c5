#!/bin/sh
#
# check-abi.sh - prove include/tspi.h and the include/tapi.h it includes
# against the Windows SDK values as
# shipped by mingw-w64 (Debian: mingw-w64-x86-64-dev), not against a copy
# of our own.
#
# Run from the top of the source tree:
#
#	sh test/abi/check-abi.sh
#
# Environment:
#	CC		native C compiler (default: cc)
#	CLANG		clang, used to compile for x86_64-w64-mingw32 (default: clang)
#	BUILDDIR	build directory; files go to $BUILDDIR/test/abi (default: build)
#	MINGW_INCLUDE	mingw-w64 headers (default: /usr/share/mingw-w64/include)
#
# Exit status: 0 all checks pass, 1 a mismatch (each one is printed),
# 77 a tool or the mingw-w64 headers are missing (test skipped).
#
# How: abi-dump, built natively against include/tspi.h, prints a C file of
# static assertions, one per constant, structure size, field offset and
# size, type, and function signature.  clang compiles that file for
# x86_64-w64-mingw32 against mingw-w64's windows.h, tapi.h and tspi.h; it
# only compiles if both headers agree.  On a mismatch a second file, also
# from abi-dump, is compiled to assembly to read back mingw-w64's values,
# so that every mismatch is printed with both sides.  Afterwards the same
# script is run on deliberately corrupted copies of the header to prove
# that it can fail.
#
# Used internally by that self-test: ABI_INCLUDE (directory holding the
# tspi.h to check), ABI_FIELDS_DIR (directory holding abi-fields.h),
# ABI_OUT (output directory), ABI_SELFTEST=0 (do not recurse).

CC=${CC:-cc}
CLANG=${CLANG:-clang}
BUILDDIR=${BUILDDIR:-build}
MINGW_INCLUDE=${MINGW_INCLUDE:-/usr/share/mingw-w64/include}

srcdir=test/abi
ABI_INCLUDE=${ABI_INCLUDE:-include}
ABI_FIELDS_DIR=${ABI_FIELDS_DIR:-$srcdir}
ABI_OUT=${ABI_OUT:-$BUILDDIR/test/abi}
ABI_SELFTEST=${ABI_SELFTEST:-1}

# Prefixes of the names in include/tspi.h and include/tapi.h that are
# checked as constants.  Any #define (not function-like) starting with one
# of them is picked up.
const_re='^(PHONE[A-Z0-9]*_|LINE[A-Z0-9]*_|LAST_LINE|STRINGFORMAT_|TAPI_VERSION'
const_re=$const_re'|TAPI_CURRENT_VERSION$|TAPI_REPLY$|TAPIERR_|TAPIMAX|LINEMAPPER$'
const_re=$const_re'|TUISPIDLL_OBJECT_|INITIALIZE_NEGOTIATION$|TSPI_MESSAGE_BASE$)'

# Macros of the header that are its own, not SDK constants: the include
# guard, the calling-convention and export macros, the fixed structure
# sizes (pinned to the checked layouts by the header itself).
# Also tapi.h's own: its guard, WINAPI, TAPI_EXPORT and the plain names of
# the string functions that it maps to ...A or ...W (phoneGetDevCaps).
own_re='^(HIDPHONE_TSPI_H|HIDPHONE_TAPI_H|TSPIAPI|WINAPI|CALLBACK|TSPI_EXPORT|TAPI_EXPORT'
own_re=$own_re'|[A-Z]+_SIZE(_[0-9]_[0-9])?|(phone|line)[A-Za-z]+)$'

# Constants the SDK headers do not define: neither mingw-w64 nor
# Microsoft's tapi.h names the TAPI version numbers.  Anything else that
# mingw-w64 lacks is a failure.
absent_ok='
TAPI_VERSION1_0
TAPI_VERSION1_4
TAPI_VERSION2_0
TAPI_VERSION2_1
TAPI_VERSION2_2
TAPI_VERSION3_0
TAPI_VERSION3_1
'

mingw_target=x86_64-w64-mingw32

skip() {
	echo "abi: SKIP: $*"
	exit 77
}

fail() {
	echo "abi: FAIL: $*"
	exit 1
}

# --- prerequisites --------------------------------------------------------

# CC and CLANG may carry arguments (CC="ccache gcc"), so they are used
# unquoted and only their first word is looked up.
command -v "${CC%% *}" >/dev/null 2>&1 || fail "native compiler '$CC' not found (set CC)"
command -v "${CLANG%% *}" >/dev/null 2>&1 ||
	skip "'$CLANG' not found; install the Debian package clang (or set CLANG)"
for h in windows.h tapi.h tspi.h; do
	[ -f "$MINGW_INCLUDE/$h" ] ||
		skip "$MINGW_INCLUDE/$h not found; install the Debian package mingw-w64-x86-64-dev (or set MINGW_INCLUDE)"
done
[ -f "$ABI_INCLUDE/tspi.h" ] || fail "$ABI_INCLUDE/tspi.h not found; run from the top of the source tree"
[ -f "$ABI_INCLUDE/tapi.h" ] || fail "$ABI_INCLUDE/tapi.h not found; run from the top of the source tree"

mkdir -p "$ABI_OUT" || fail "cannot create $ABI_OUT"

mingw_cc() {
	# shellcheck disable=SC2086 # see above
	$CLANG -target "$mingw_target" -isystem "$MINGW_INCLUDE" "$@"
}

printf '' | mingw_cc -fsyntax-only -x c - >/dev/null 2>&1 ||
	skip "'$CLANG' cannot compile for $mingw_target; install the Debian package clang"

mingw_version=$(printf '#include <_mingw.h>\n' | mingw_cc -dM -E -x c - 2>/dev/null |
	awk '$2 == "__MINGW64_VERSION_MAJOR" { ma = $3 }
	     $2 == "__MINGW64_VERSION_MINOR" { mi = $3 }
	     $2 == "__MINGW64_VERSION_BUGFIX" { bf = $3 }
	     END { if (ma != "") print ma "." mi "." bf }')
[ -n "$mingw_version" ] || mingw_version=unknown

# --- constants, taken from the header itself ------------------------------
#
# Preprocess with the #defines kept (-dD) and keep only what comes from
# tspi.h itself, not from the system headers it includes.

# shellcheck disable=SC2086 # see above
$CC -E -dD -I"$ABI_INCLUDE" "$ABI_INCLUDE/tspi.h" >"$ABI_OUT/abi-header.i" 2>"$ABI_OUT/abi-header.log" ||
	{ cat "$ABI_OUT/abi-header.log"; fail "cannot preprocess $ABI_INCLUDE/tspi.h"; }
awk '/^# [0-9]+ "/ { own = ($3 ~ /\/t(s|a)pi\.h"$/); next } own' \
	"$ABI_OUT/abi-header.i" >"$ABI_OUT/abi-header-own.i"

awk '$1 == "#define" && $2 !~ /\(/ { print $2 }' "$ABI_OUT/abi-header-own.i" |
	LC_ALL=C sort -u >"$ABI_OUT/abi-macro-names.txt"
grep -E "$const_re" "$ABI_OUT/abi-macro-names.txt" | grep -v -E "$own_re" >"$ABI_OUT/abi-const-names.txt"

status=0

# A constant with a prefix nobody added to const_re would silently escape
# the check, so every other macro must be one of the header's own.
unclassified=$(grep -v -E "$const_re" "$ABI_OUT/abi-macro-names.txt" | grep -v -E "$own_re")
if [ -n "$unclassified" ]; then
	echo "$unclassified" | sed "s|^|abi: macro of $ABI_INCLUDE/tspi.h is neither an SDK constant prefix nor one of the header's own (update const_re or own_re in $0): |"
	status=1
fi

for name in $absent_ok; do
	grep -qx "$name" "$ABI_OUT/abi-const-names.txt" || {
		echo "abi: allow-list entry $name names no constant of $ABI_INCLUDE/tspi.h"
		status=1
	}
done

# shellcheck disable=SC2086 # one name per word
printf '%s\n' $absent_ok >"$ABI_OUT/abi-absent-ok.txt"
{
	echo "/* Generated by test/abi/check-abi.sh from $ABI_INCLUDE/tspi.h. */"
	printf '#define ABI_CONSTS(C, ABSENT_OK) \\\n'
	awk 'FILENAME == ARGV[1] { ok[$1] = 1; next }
	     { printf "\t%s(%s) \\\n", ($1 in ok) ? "ABSENT_OK" : "C", $1 }' \
		"$ABI_OUT/abi-absent-ok.txt" "$ABI_OUT/abi-const-names.txt"
	echo '	/* end of ABI_CONSTS */'
} >"$ABI_OUT/abi-consts.h"

n_consts=$(wc -l <"$ABI_OUT/abi-const-names.txt")
n_consts=$((n_consts))
n_absent=$(awk 'FILENAME == ARGV[1] { ok[$1] = 1; next } ($1 in ok) { n++ } END { print n + 0 }' \
	"$ABI_OUT/abi-absent-ok.txt" "$ABI_OUT/abi-const-names.txt")

# --- native side: build abi-dump, let it check its lists ------------------

# shellcheck disable=SC2086 # see above
$CC -std=c11 -Wall -Wextra -Werror -pedantic \
	-I"$ABI_FIELDS_DIR" -I"$ABI_OUT" -I"$ABI_INCLUDE" \
	-o "$ABI_OUT/abi-dump" "$srcdir/abi-dump.c" >"$ABI_OUT/abi-dump.log" 2>&1 || {
	cat "$ABI_OUT/abi-dump.log"
	fail "abi-dump does not build against $ABI_INCLUDE/tspi.h (see above)"
}

for mode in list check; do
	"$ABI_OUT/abi-dump" $mode >"$ABI_OUT/abi-dump-$mode.out" 2>"$ABI_OUT/abi-dump-$mode.log" || {
		cat "$ABI_OUT/abi-dump-$mode.log"
		fail "the lists in $ABI_FIELDS_DIR/abi-fields.h do not fit $ABI_INCLUDE/tspi.h"
	}
done
mv "$ABI_OUT/abi-dump-list.out" "$ABI_OUT/abi-lists.txt"
mv "$ABI_OUT/abi-dump-check.out" "$ABI_OUT/abi-check-mingw.c"

# --- do the lists cover the header? ---------------------------------------
#
# Collect the structures defined with a body, the callback typedefs, the
# TSPI/TUISPI functions that tspi.h declares and the phone/line functions
# of tapi.h.  A union inside a structure (Handles) is folded first.

awk '
	!/^#/ { text = text " " $0 }
	END {
		gsub(/union[ \t]*\{[^}]*\}/, "union", text)
		s = text
		while (match(s, /typedef struct([ \t]+[A-Za-z_0-9]+)?[ \t]*\{[^}]*\}[ \t]*[A-Za-z_][A-Za-z_0-9]*/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			sub(/.*\}[ \t]*/, "", m)
			print "struct " m
		}
		s = text
		while (match(s, /typedef[^;{}]*\([ \t]*\*[ \t]*[A-Za-z_][A-Za-z_0-9]*[ \t]*\)[ \t]*\(/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			sub(/[ \t]*\)[ \t]*\($/, "", m)
			sub(/.*\*[ \t]*/, "", m)
			print "callback " m
		}
		s = text
		while (match(s, /(T(UI)?SPI_[A-Za-z_0-9]+|(phone|line)[A-Z][A-Za-z]*)[ \t]*\(/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			sub(/[ \t]*\($/, "", m)
			print "function " m
		}
	}' "$ABI_OUT/abi-header-own.i" | LC_ALL=C sort -u >"$ABI_OUT/abi-header-decls.txt"

LC_ALL=C sort -u "$ABI_OUT/abi-lists.txt" >"$ABI_OUT/abi-lists-sorted.txt"
unlisted=$(LC_ALL=C comm -23 "$ABI_OUT/abi-header-decls.txt" "$ABI_OUT/abi-lists-sorted.txt")
if [ -n "$unlisted" ]; then
	echo "$unlisted" | sed "s|^|abi: not in $ABI_FIELDS_DIR/abi-fields.h, so unchecked: |"
	status=1
fi
stale=$(LC_ALL=C comm -13 "$ABI_OUT/abi-header-decls.txt" "$ABI_OUT/abi-lists-sorted.txt")
if [ -n "$stale" ]; then
	echo "$stale" | sed "s|^|abi: listed in $ABI_FIELDS_DIR/abi-fields.h but not defined by $ABI_INCLUDE/tspi.h: |"
	status=1
fi

# --- mingw-w64 side --------------------------------------------------------

if mingw_cc -fsyntax-only -ferror-limit=0 -fno-color-diagnostics \
	"$ABI_OUT/abi-check-mingw.c" >"$ABI_OUT/abi-check-mingw.log" 2>&1; then
	:
else
	status=1

	# Read mingw-w64's side of every item back from the assembly of the
	# probe file, so that each mismatch can be shown with both values.
	# If that fails too (say a field does not exist at all), clang's
	# rendering of the failed requirement is shown instead.
	: >"$ABI_OUT/abi-probe-values.txt"
	if "$ABI_OUT/abi-dump" probe >"$ABI_OUT/abi-probe-mingw.c" &&
		mingw_cc -S -o "$ABI_OUT/abi-probe-mingw.s" "$ABI_OUT/abi-probe-mingw.c" \
			>"$ABI_OUT/abi-probe-mingw.log" 2>&1; then
		awk '/^abi_[a-z]_[A-Za-z_0-9]*:$/ { sym = substr($0, 1, length($0) - 1); next }
		     sym != "" && $1 == ".quad" { print sym, $2; sym = "" }' \
			"$ABI_OUT/abi-probe-mingw.s" >"$ABI_OUT/abi-probe-values.txt"
	fi

	report=$(awk '
		function hex(n,    s, d) {
			s = ""
			do {
				d = n % 16
				s = substr("0123456789ABCDEF", d + 1, 1) s
				n = (n - d) / 16
			} while (n > 0)
			while (length(s) < 8)
				s = "0" s
			return "0x" s
		}
		FILENAME == ARGV[1] { value[$1] = $2; next }
		/static_assert failed/ {
			req = $0
			sub(/.*due to requirement \047/, "", req)
			sub(/\047 "[^"]*"$/, "", req)
			msg = $0
			sub(/^.*\047 "/, "", msg)
			sub(/"$/, "", msg)
			tag = ""
			if (match(msg, / \[abi_[a-z]_[A-Za-z_0-9]*\]$/)) {
				tag = substr(msg, RSTART + 2, RLENGTH - 3)
				msg = substr(msg, 1, RSTART - 1)
			}
			if (tag in value) {
				# "... has offset 20" -> "mingw-w64 has offset 16"
				what = msg
				sub(/.* has /, "", what)
				sub(/[^ ]*$/, "", what)
				v = value[tag]
				if (tag ~ /^abi_c_/)
					v = hex(v)
				print "abi: mismatch: " msg ", mingw-w64 has " what v
			} else {
				print "abi: mismatch: " msg "; mingw-w64 fails " req
			}
			next
		}
		/(fatal )?error: / {
			sub(/^.*(fatal )?error: /, "")
			gsub(/^"|"$/, "")
			print "abi: mismatch: " $0
			next
		}
	' "$ABI_OUT/abi-probe-values.txt" "$ABI_OUT/abi-check-mingw.log")
	if [ -n "$report" ]; then
		echo "$report"
	else
		cat "$ABI_OUT/abi-check-mingw.log"
	fi
fi

if [ "$status" -ne 0 ]; then
	echo "abi: FAIL: $ABI_INCLUDE/tspi.h does not match mingw-w64 $mingw_version (generated check: $ABI_OUT/abi-check-mingw.c)"
	exit 1
fi

n_structs=$(grep -c '^struct ' "$ABI_OUT/abi-lists.txt")
n_fields=$(grep -c '\[abi_o_' "$ABI_OUT/abi-check-mingw.c")
n_types=$(grep -c '\[abi_t_' "$ABI_OUT/abi-check-mingw.c")
n_sigs=$(grep -c -e '^callback ' -e '^function ' "$ABI_OUT/abi-lists.txt")

echo "abi: $((n_consts - n_absent)) constants, $n_structs structs ($n_fields fields), $n_types types and $n_sigs signatures match mingw-w64 $mingw_version ($n_absent allow-listed constants absent there)"

[ "$ABI_SELFTEST" = 0 ] && exit 0

# --- self-test: corrupted copies must be rejected -------------------------
#
# Each case copies the header (and, where needed, abi-fields.h) into the
# build directory, changes one thing in a way that keeps the copy
# consistent with itself, runs this script on it and requires a failure
# that names the changed item.  A case whose edit did not apply fails too,
# so the self-test cannot pass vacuously.

selftest_dir=$ABI_OUT/selftest
rm -rf "$selftest_dir"
n_cases=0

# corrupt NAME EXPECT HEADER-SED [FIELDS-SED]
corrupt() {
	name=$1 expect=$2 hsed=$3 fsed=${4:-}
	dir=$selftest_dir/$name
	mkdir -p "$dir/include" "$dir/fields" "$dir/out" || fail "cannot create $dir"
	sed "$hsed" "$ABI_INCLUDE/tspi.h" >"$dir/include/tspi.h"
	sed "$hsed" "$ABI_INCLUDE/tapi.h" >"$dir/include/tapi.h"
	cp "$ABI_FIELDS_DIR/abi-fields.h" "$dir/fields/abi-fields.h"
	if cmp -s "$ABI_INCLUDE/tspi.h" "$dir/include/tspi.h" &&
		cmp -s "$ABI_INCLUDE/tapi.h" "$dir/include/tapi.h"; then
		fail "self-test '$name': the edit did not change the header copies"
	fi
	if [ -n "$fsed" ]; then
		sed "$fsed" "$ABI_FIELDS_DIR/abi-fields.h" >"$dir/fields/abi-fields.h"
		if cmp -s "$ABI_FIELDS_DIR/abi-fields.h" "$dir/fields/abi-fields.h"; then
			fail "self-test '$name': the edit did not change the abi-fields.h copy"
		fi
	fi

	ABI_SELFTEST=0 ABI_INCLUDE=$dir/include ABI_FIELDS_DIR=$dir/fields \
		ABI_OUT=$dir/out CC=$CC CLANG=$CLANG MINGW_INCLUDE=$MINGW_INCLUDE \
		sh "$0" >"$dir/output.txt" 2>&1
	rc=$?
	if [ "$rc" -ne 1 ]; then
		cat "$dir/output.txt"
		fail "self-test '$name': a corrupted copy was not rejected (exit $rc, want 1)"
	fi
	grep -qF "$expect" "$dir/output.txt" || {
		cat "$dir/output.txt"
		fail "self-test '$name': rejected, but without naming $expect"
	}
	n_cases=$((n_cases + 1))
}

# A wrong value.
corrupt value 'constant PHONEERR_INUSE: include/tspi.h has 0x90000007, mingw-w64 has 0x90000006' \
	's/^\(#define PHONEERR_INUSE[^0]*\)0x90000006u/\10x90000007u/'

# A new constant that the SDK does not have is picked up automatically.
corrupt new-constant 'PHONEERR_HIDPHONE_SELFTEST: not defined by mingw-w64' \
	's/^#define PHONEERR_ALLOCATED.*/&\
#define PHONEERR_HIDPHONE_SELFTEST ((LONG)0x900000FFu)/'

# Two fields swapped in the header (pins included) and in the list, so
# that both still agree with each other but no longer with the SDK.
corrupt layout 'PHONESTATUS.dwNumOwners: include/tspi.h has offset 20, mingw-w64 has offset 16' \
	's/dwNumOwners/@SWAP@/g; s/dwNumMonitors/dwNumOwners/g; s/@SWAP@/dwNumMonitors/g' \
	's/dwNumOwners/@SWAP@/g; s/dwNumMonitors/dwNumOwners/g; s/@SWAP@/dwNumMonitors/g'

# A DWORD_PTR parameter narrowed to DWORD, in the header and in the list.
corrupt signature 'function TSPI_providerInit: include/tspi.h has LONG (DWORD, DWORD, DWORD, DWORD, DWORD, DWORD_PTR' \
	's/DWORD_PTR dwNumLines/DWORD dwNumLines/' \
	's/\(P(TSPI_providerInit, LONG, (DWORD, DWORD, DWORD, DWORD, \)DWORD_PTR, \\/\1DWORD, \\/'

# The same in tapi.h: an application callback instance narrowed to DWORD.
corrupt app-signature 'function phoneOpen: include/tspi.h has LONG (HPHONEAPP, DWORD, LPHPHONE, DWORD, DWORD, DWORD,' \
	's/DWORD_PTR dwCallbackInstance, DWORD dwPrivilege/DWORD dwCallbackInstance, DWORD dwPrivilege/' \
	's/\(P(phoneOpen, LONG, (HPHONEAPP, DWORD, LPHPHONE, DWORD, DWORD, \)DWORD_PTR, \\/\1DWORD, \\/'

# A packed structure left at natural alignment grows by its padding.
corrupt packing 'the fields listed for PHONEINITIALIZEEXPARAMS end at 28 but sizeof is 32' \
	's/^#pragma pack(push, 1)$//; s/^#pragma pack(pop)$//; s/^TAPI_LAYOUT(.*PHONEINITIALIZEEXPARAMS.*$//; s/^TAPI_LAYOUT(sizeof(LINEINITIALIZEEXPARAMS).*$//'

echo "abi: self-test: $n_cases corrupted copies are rejected (wrong value, unknown constant, swapped fields, narrowed parameters, lost packing)"
exit 0
