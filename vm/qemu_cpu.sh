#!/bin/bash
# qemu_cpu.sh - which QEMU CPU models the test VM can use, and how.
#
# Usage: vm/qemu_cpu.sh --list        the usable models, one a line
#        vm/qemu_cpu.sh MODEL...      "MODEL mte=on|off" for each; exit 2
#                                     naming the first model that cannot be
#                                     used, before anything else is asked
#
# The guest runs KVM itself, so a model must be AArch64 and implement EL2
# (QEMU gives a CPU object the "aarch64" and "has_el2" properties only
# then), and virtualization=on is always set. mte=on goes on the machine
# only where QEMU accepts it for that model: it refuses it for a CPU without
# FEAT_MTE2 ("MTE requested, but not supported by the guest CPU"). Both
# are asked of the QEMU that will boot the VM rather than kept in a table,
# so a newer QEMU's models and features are right without an edit here.
set -u -o pipefail

QEMU=${QEMU:-qemu-system-aarch64}

err() { echo "qemu_cpu.sh: $*" >&2; }

# Every model QEMU names in -cpu help (deprecated ones too).
all_models() {
	"$QEMU" -cpu help 2>/dev/null |
		awk 'go && NF { print $1 } /^Available CPUs:/ { go = 1 }'
}

# props MODEL...: one line per model with the names of its properties, in
# order, from one QMP session (one QEMU start for any number of models).
props() {
	local m
	{
		echo '{"execute":"qmp_capabilities"}'
		for m; do
			printf '{"execute":"device-list-properties",'
			printf '"arguments":{"typename":"%s-arm-cpu"}}\n' "$m"
		done
		echo '{"execute":"quit"}'
	} | "$QEMU" -M none -nodefaults -display none -qmp stdio 2>/dev/null |
		grep -E '^\{"(return|error)"' | tail -n +2 | head -n $# |
		sed -E 's/"name": "([^"]*)"/\n@\1@\n/g' | awk '
			/^\{"(return|error)"/ { if (n++) print line; line = "" }
			/^@.*@$/ { line = line " " substr($0, 2, length($0) - 2) }
			END { if (n) print line }'
}

# usable MODEL PROPS: why MODEL cannot run the test VM, or nothing.
why_unusable() {
	case " $2 " in
	*" aarch64 "*) ;;
	*) echo "'$1' is not an AArch64 CPU"; return ;;
	esac
	case " $2 " in
	*" has_el2 "*) ;;
	*) echo "'$1' has no EL2 (the guest must run KVM)" ;;
	esac
}

# has_mte MODEL: QEMU builds a virt machine with mte=on for MODEL.
has_mte() {
	local dtb rc
	dtb=$(mktemp) || return 1
	"$QEMU" -M "virt,virtualization=on,mte=on,dumpdtb=$dtb" -cpu "$1" \
		-accel tcg -m 256 -nodefaults -display none >/dev/null 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ -s "$dtb" ]
	rc=$?
	rm -f "$dtb"
	return $rc
}

# usable_models: the models that pass why_unusable, one a line.
usable_models() {
	local -a models
	local i p
	mapfile -t models < <(all_models)
	[ ${#models[@]} -gt 0 ] || { err "$QEMU -cpu help lists no CPU"; return 3; }
	i=0
	while IFS= read -r p; do
		[ -n "$(why_unusable "${models[i]}" "$p")" ] || echo "${models[i]}"
		i=$((i + 1))
	done < <(props "${models[@]}")
}

main() {
	local known m why i p
	local -a list
	command -v "$QEMU" >/dev/null || { err "$QEMU not found"; exit 3; }
	if [ "${1:-}" = --list ]; then
		usable_models
		exit
	fi
	[ $# -gt 0 ] || { err "usage: $0 --list | MODEL..."; exit 2; }
	known=$(all_models)
	for m; do
		grep -qxF -- "$m" <<<"$known" || {
			err "unknown CPU model '$m' (usable: $(usable_models | paste -sd " "))"
			exit 2
		}
	done
	mapfile -t list < <(props "$@")
	i=0
	for m; do
		p=${list[i]:-}
		why=$(why_unusable "$m" "$p")
		[ -z "$why" ] || { err "$why"; exit 2; }
		i=$((i + 1))
	done
	for m; do
		if has_mte "$m"; then echo "$m mte=on"; else echo "$m mte=off"; fi
	done
}

main "$@"
