# compare-rdesc.awk: the kernel's own parse of a report descriptor (debugfs hid/<dev>/rdesc,
# as exported by the VM run) against the project's parser (phonectl describe --json,
# flattened by compare-rdesc.sh). Used as
#
#   awk -v fx=NAME -f compare-rdesc.awk DESCRIPTOR.hex KERNEL-RDESC.txt OURS.txt
#
# DESCRIPTOR.hex: the fixture's bytes (hex text; '#' comments allowed).
# OURS.txt lines:  R KIND ID BITS
#                  F KIND ID BIT_OFFSET BIT_SIZE COUNT FLAGS VAR PAGE USAGE|- UPAU DOFF EXT,EXT,...
# Prints one line per finding:  P problem (fails the fixture), X explained difference,
# I information; and last  S <summary>.
#
# What is compared, and why this way:
#  - Linux prints no report sizes. Its hid_add_field() adds every main item's bits to the
#    report's size but keeps no field for an item without usages (padding), so all the dump
#    shows of a size is its extent: the end of the last listed field. Our report must end
#    its last field with usages at that extent, and everything after it must be our padding.
#  - Report Offset is in payload bits, without the report-id byte (the data show it: the
#    first field of a numbered report is at 0). Both hypotheses are counted and reported.
#  - A kernel field is one main item; ours splits a Variable item into one field per usage.
#    So a kernel Variable field must be tiled exactly by our fields (same size, flags) and
#    every item's usage must agree; an Array field must be one of ours with the same
#    offset, size, count, flags and usage list.
#  - Known difference: a lone usage followed by a Usage Page item before its main item.
#    Linux rebinds the 16-bit usage to the new page; HID 1.11 (and our parser) keeps the
#    page it was declared on and marks the field usage_page_after_usage. Agreement when the
#    kernel's usage is (the page in effect at the main item, same id) and ours is marked.

function hexval(s,    i, c, v) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		v = v * 16 + c - 1
	}
	return v
}

function init_names() {
	split("Undefined:0 GenericDesktop:1 Simulation:2 GenericDeviceControls:6 Keyboard:7 " \
	      "LED:8 Button:9 Ordinal:10 Consumer:12 Digitizers:13 PhysicalInterfaceDevice:15 " \
	      "Sensor:32 Vendor-specific-FF:65535", a, " ")
	for (i in a) { split(a[i], kv, ":"); page_id[kv[1]] = kv[2] }
	page_id["Power Device"] = 132
	page_id["Battery System"] = 133
	# Usage names hid-debug.c prints for the pages telephony devices use.
	split("Pointer:1 Mouse:2 Joystick:4 GamePad:5 Keyboard:6 Keypad:7 MultiAxis:8 X:48 Y:49 " \
	      "Z:50 Rx:51 Ry:52 Rz:53 Slider:54 Dial:55 Wheel:56 HatSwitch:57 CountedBuffer:58 " \
	      "ByteCount:59 MotionWakeup:60 Start:61 Select:62 Vx:64 Vy:65 Vz:66 Vbrx:67 Vbry:68 " \
	      "Vbrz:69 Vno:70 SystemControl:128 SystemPowerDown:129 SystemSleep:130 " \
	      "SystemWakeUp:131 SystemContextMenu:132 SystemMainMenu:133 SystemAppMenu:134 " \
	      "SystemMenuHelp:135 SystemMenuExit:136 SystemMenuSelect:137 SystemMenuRight:138 " \
	      "SystemMenuLeft:139 SystemMenuUp:140 SystemMenuDown:141 D-PadUp:144 D-PadDown:145 " \
	      "D-PadRight:146 D-PadLeft:147", a, " ")
	for (i in a) { split(a[i], kv, ":"); usage_id[1, kv[1]] = kv[2] }
	split("NumLock:1 CapsLock:2 ScrollLock:3 Compose:4 Kana:5 GenericIndicator:75", a, " ")
	for (i in a) { split(a[i], kv, ":"); usage_id[8, kv[1]] = kv[2] }
	usage_id[12, "HorizontalWheel"] = 568
	split("BatteryStrength:32 WirelessChannel:33 WirelessID:34 DiscoverWirelessControl:35 " \
	      "SecurityCodeCharacterEntered:36 SecurityCodeCharactedErased:37 " \
	      "SecurityCodeCleared:38", a, " ")
	for (i in a) { split(a[i], kv, ":"); usage_id[6, kv[1]] = kv[2] }
}

# "Consumer.00ea", "000b.0020", "LED.NumLock" -> page * 65536 + usage, or -1.
function kusage(tok,    i, pn, un, p, u) {
	sub(/^[ \t]+/, "", tok)
	sub(/[ \t]+$/, "", tok)
	i = match(tok, /\.[^.]*$/)
	if (!i)
		return -1
	pn = substr(tok, 1, i - 1)
	un = substr(tok, i + 1)
	if (pn ~ /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
		p = hexval(pn)
	else if (pn in page_id)
		p = page_id[pn]
	else
		return -1
	if (un ~ /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
		u = hexval(un)
	else if ((p, un) in usage_id)
		u = usage_id[p, un]
	else
		return -1
	return p * 65536 + u
}

function uname(v) { return sprintf("%04x.%04x", int(v / 65536), v % 65536) }

function flagbits(s,    n, w, i, b) {
	split("Constant:1 Variable:2 Relative:4 Wrap:8 NonLinear:16 NoPreferredState:32 " \
	      "NullState:64 Volatile:128 BufferedByte:256", fl, " ")
	for (i in fl) { split(fl[i], kv, ":"); fbit[kv[1]] = kv[2] }
	b = 0
	n = split(s, w, " ")
	for (i = 1; i <= n; i++)
		if (w[i] in fbit)
			b += fbit[w[i]]
	return b
}

# The Usage Page in effect at descriptor byte `at` (a main item), from the bytes.
function page_at(at,    i, pre, size, tag, v, k, sp) {
	page = 0
	sp = 0
	for (i = 0; i < nbytes && i < at;) {
		pre = bytes[i]
		if (pre == 254) {      # long item
			i += 3 + bytes[i + 1]
			continue
		}
		size = pre % 4
		if (size == 3)
			size = 4
		tag = pre - pre % 4
		v = 0
		for (k = size - 1; k >= 0; k--)
			v = v * 256 + bytes[i + 1 + k]
		if (tag == 4)
			page = v
		else if (tag == 164)   # Push
			stack[sp++] = page
		else if (tag == 180 && sp > 0)   # Pop
			page = stack[--sp]
		i += 1 + size
	}
	return page
}

function problem(s) { print "P " s; nprob++ }

BEGIN { init_names(); file = 0 }

FNR == 1 { file++ }

# 1: the fixture's bytes.
file == 1 {
	line = $0
	sub(/#.*/, "", line)
	n = split(line, w, /[^0-9A-Fa-f]+/)
	for (i = 1; i <= n; i++)
		if (w[i] != "")
			bytes[nbytes++] = hexval(w[i])
	next
}

# 2: the kernel's dump. Line 1 is the descriptor as the kernel holds it.
file == 2 && FNR == 1 {
	n = split($0, w, " ")
	kbytes = 0
	same = 1
	for (i = 1; i <= n; i++) {
		if (hexval(w[i]) != bytes[kbytes])
			same = 0
		kbytes++
	}
	if (kbytes != nbytes)
		same = 0
	if (!same)
		print "I the kernel's descriptor (" kbytes " bytes) differs from the fixture's (" \
		      nbytes "): a driver fixed it up"
	next
}
file == 2 && kdone { next }
file == 2 && /^$/ { if (nrep) kdone = 1; next }
file == 2 && /^  [A-Z]+(\([0-9]+\))?\[[A-Z]+\]$/ {
	s = $0
	sub(/^  /, "", s)
	kind = tolower(substr(s, 1, index(s, "[") - 1))
	rid = 0
	if (kind ~ /\(/) {
		rid = substr(kind, index(kind, "(") + 1)
		sub(/\).*/, "", rid)
		kind = substr(kind, 1, index(kind, "(") - 1)
	}
	cur = kind SUBSEP rid
	if (!(cur in krep)) {
		krep[cur] = 1
		krep_order[nrep++] = cur
		kext[cur] = 0
	}
	next
}
file == 2 && /^    Field\([0-9]+\)$/ {
	nk++
	kf_rep[nk] = cur
	kf_nu[nk] = 0
	want_usages = 0
	next
}
file == 2 && want_usages > 0 {
	kf_u[nk, kf_nu[nk]] = kusage($0)
	if (kf_u[nk, kf_nu[nk]] < 0)
		problem("cannot read the kernel's usage '" $0 "' (field " nk ")")
	kf_nu[nk]++
	want_usages--
	next
}
file == 2 && /^      Usage\([0-9]+\)$/ {
	s = $0
	gsub(/[^0-9]/, "", s)
	want_usages = s + 0
	next
}
file == 2 && /^      Report Size\(/ { s = $0; gsub(/[^0-9]/, "", s); kf_size[nk] = s + 0; next }
file == 2 && /^      Report Count\(/ { s = $0; gsub(/[^0-9]/, "", s); kf_count[nk] = s + 0; next }
file == 2 && /^      Report Offset\(/ { s = $0; gsub(/[^0-9]/, "", s); kf_off[nk] = s + 0; next }
file == 2 && /^      Flags\(/ {
	s = $0
	sub(/^ *Flags\( */, "", s)
	sub(/\)$/, "", s)
	kf_flags[nk] = flagbits(s)
	kf_flagtext[nk] = s
	next
}
file == 2 { next }

# 3: ours.
file == 3 && $1 == "R" {
	r = $2 SUBSEP $3
	orep[r] = $4
	orep_order[norep++] = r
	next
}
file == 3 && $1 == "F" {
	no++
	of_rep[no] = $2 SUBSEP $3
	of_kind[no] = $2
	of_rid[no] = $3
	of_off[no] = $4
	of_size[no] = $5
	of_count[no] = $6
	of_flags[no] = $7 % 512
	of_var[no] = $8
	of_page[no] = $9
	of_usage[no] = $10
	of_upau[no] = $11
	of_doff[no] = $12
	of_ext[no] = $13
	of_pad[no] = ($10 == "-" && ($13 == "" || $13 == "-"))
	next
}

function rname(r,    p) { split(r, p, SUBSEP); return p[1] " report " p[2] }
function oname(i) {
	return rname(of_rep[i]) " field at bit " of_off[i] " (" of_size[i] "x" of_count[i] \
	       (of_usage[i] != "-" ? ", usage " uname(of_page[i] * 65536 + of_usage[i]) : "") ")"
}
function kname(k) {
	return rname(kf_rep[k]) " kernel Field at offset " kf_off[k] " (" kf_size[k] "x" \
	       kf_count[k] ", " kf_flagtext[k] ")"
}

END {
	# Report sizes: the kernel's extent against ours.
	for (k = 1; k <= nk; k++) {
		e = kf_off[k] + kf_size[k] * kf_count[k]
		if (e > kext[kf_rep[k]])
			kext[kf_rep[k]] = e
	}
	for (i = 0; i < nrep; i++) {
		r = krep_order[i]
		if (!(r in orep))
			problem(rname(r) ": in the kernel's parse, not in ours")
	}
	for (i = 0; i < norep; i++) {
		r = orep_order[i]
		if (!(r in krep)) {
			problem(rname(r) ": in ours (" orep[r] " bits), not in the kernel's parse")
			continue
		}
		last = 0
		for (j = 1; j <= no; j++)
			if (of_rep[j] == r && !of_pad[j] && of_off[j] + of_size[j] * of_count[j] > last)
				last = of_off[j] + of_size[j] * of_count[j]
		if (last != kext[r])
			problem(rname(r) ": kernel fields end at bit " kext[r] ", ours at bit " last)
		for (j = 1; j <= no; j++)
			if (of_rep[j] == r && of_off[j] >= kext[r] && !of_pad[j])
				problem(oname(j) ": data beyond the kernel's extent " kext[r])
		if (orep[r] < kext[r])
			problem(rname(r) ": ours is " orep[r] " bits, the kernel's fields reach bit " kext[r])
		nsizes++
	}

	# Fields.
	for (k = 1; k <= nk; k++) {
		ks = kf_off[k]
		ke = ks + kf_size[k] * kf_count[k]
		kvar = int(kf_flags[k] / 2) % 2
		m = 0
		for (j = 1; j <= no; j++) {
			if (of_rep[j] != kf_rep[k])
				continue
			os = of_off[j]
			oe = os + of_size[j] * of_count[j]
			if (oe <= ks || os >= ke)
				continue
			if (of_pad[j]) {
				problem(oname(j) ": padding in ours, overlaps " kname(k))
				continue
			}
			covered[j] = 1
			sel[m++] = j
		}
		# Order ours by offset (few fields: insertion sort).
		for (x = 1; x < m; x++)
			for (y = x; y > 0 && of_off[sel[y]] < of_off[sel[y - 1]]; y--) {
				t = sel[y]; sel[y] = sel[y - 1]; sel[y - 1] = t
			}
		if (m == 0) {
			problem(kname(k) ": no field of ours there")
			continue
		}
		if (!kvar) {
			j = sel[0]
			if (m != 1 || of_var[j] || of_off[j] != ks || of_size[j] != kf_size[k] ||
			    of_count[j] != kf_count[k]) {
				problem(kname(k) ": ours is " oname(j) (m > 1 ? " and " (m - 1) " more" : ""))
				continue
			}
			if (of_flags[j] != kf_flags[k])
				problem(kname(k) ": flags " kf_flags[k] ", ours " of_flags[j])
			n = split(of_ext[j], ex, ",")
			if (kf_nu[k] < n)
				problem(kname(k) ": " kf_nu[k] " usages, ours " n)
			for (u = 0; u < kf_nu[k]; u++) {
				want = u < n ? ex[u + 1] + 0 : ex[n] + 0
				if (kf_u[k, u] != want) {
					problem(kname(k) ": usage " u " is " uname(kf_u[k, u]) ", ours " uname(want))
					break
				}
			}
			nmatch++
			continue
		}
		# Variable: ours tile [ks, ke) with fields of the kernel's size and flags.
		pos = ks
		item = 0
		bad = 0
		for (x = 0; x < m && !bad; x++) {
			j = sel[x]
			if (!of_var[j] || of_off[j] != pos || of_size[j] != kf_size[k]) {
				problem(kname(k) ": at bit " pos " ours is " oname(j))
				bad = 1
				break
			}
			if (of_flags[j] != kf_flags[k])
				problem(kname(k) ": flags " kf_flags[k] ", ours " of_flags[j] " (" oname(j) ")")
			ou = of_page[j] * 65536 + of_usage[j]
			for (c = 0; c < of_count[j]; c++) {
				ku = kf_u[k, item]
				if (ku != ou) {
					newp = page_at(of_doff[j])
					if (of_upau[j] == 1 && ku == newp * 65536 + of_usage[j] && newp != of_page[j]) {
						print "X " oname(j) ": kernel " uname(ku) ", ours " uname(ou) \
						      " (Usage Page " sprintf("0x%04x", newp) " after the usage: Linux " \
						      "rebinds, HID 1.11 keeps the declared page)"
						nexplained++
					} else {
						problem(kname(k) ": item " item " (bit " pos + c * kf_size[k] ") is " \
							uname(ku) " in the kernel, " uname(ou) " in ours" \
							(of_upau[j] == 1 ? " (marked usage_page_after_usage, but the " \
							 "page in effect is " sprintf("0x%04x", newp) ")" : ""))
						bad = 1
						break
					}
				}
				item++
			}
			pos += of_size[j] * of_count[j]
			nmatch++
		}
		if (!bad && pos != ke)
			problem(kname(k) ": ours covers bits " ks "-" pos ", the kernel's field ends at " ke)
	}
	for (j = 1; j <= no; j++)
		if (!of_pad[j] && !covered[j])
			problem(oname(j) ": not in the kernel's parse")

	# Which way the kernel counts Report Offset: on numbered reports, does each kernel field
	# start where one of ours does, or 8 bits (the report-id byte) later?
	for (k = 1; k <= nk; k++) {
		split(kf_rep[k], rp, SUBSEP)
		if (rp[2] == 0)
			continue
		numbered++
		cnt_ex = cnt_in = 0
		for (j = 1; j <= no; j++) {
			if (of_rep[j] != kf_rep[k] || of_pad[j])
				continue
			cnt_ex += of_off[j] == kf_off[k]
			cnt_in += of_off[j] + 8 == kf_off[k]
		}
		hyp_ex += cnt_ex > 0
		hyp_in += cnt_in > 0
	}
	if (numbered)
		print "I Report Offset: " hyp_ex + 0 " of " numbered " kernel fields of numbered reports start " \
		      "at one of our bit_offsets (payload bits, report-id byte not counted); " hyp_in + 0 \
		      " would if the id byte were counted"
	printf "S %d reports, %d kernel fields, %d fields of ours with usages matched, %d explained, %d problems\n", \
	       nsizes, nk, nmatch, nexplained, nprob
}
