#!/bin/bash
# check_config.sh - compare a kernel's .config with configs/s2conform.config.
#
# Usage: configs/check_config.sh --required KCONFIG   missing required options,
#                                                     space-separated, or nothing
#        configs/check_config.sh --topics KCONFIG     one "CONFIG_X<TAB>GLOB..."
#                                                     line per missing topic option
#        configs/check_config.sh --list-required      the required options, as
#                                                     "CONFIG_X" or "CONFIG_A|CONFIG_B"
#        configs/check_config.sh --markdown           the README's option list
# S2_CONFIG (default: s2conform.config beside this script) is the file read.
# "=m" counts as present. Exit: 0 done, 2 bad usage or unreadable file.
set -u

want=${S2_CONFIG:-$(dirname "$0")/s2conform.config}

cusage() {
	echo "usage: $0 --required|--topics KCONFIG | --list-required | --markdown" >&2
	exit 2
}

[ -r "$want" ] || { echo "check_config: cannot read $want" >&2; exit 2; }
case ${1:-} in
--required | --topics)
	[ $# -eq 2 ] || cusage
	[ -r "$2" ] || { echo "check_config: cannot read $2" >&2; exit 2; } ;;
--list-required | --markdown) [ $# -eq 1 ] || cusage ;;
*) cusage ;;
esac

# The sections of s2conform.config as "KIND<TAB>OPTION<TAB>GLOBS<TAB>WHY"
# lines; KIND is required, any<N> (group N of required-any), topic or build.
# WHY is the section's text (its header and the comments right below it),
# or the comment just above the option when it has one of its own.
sections() {
	awk '
	/^# \[/ {
		hdr = $0
		sub(/^# \[/, "", hdr)
		why = hdr
		sub(/\].*/, "", hdr)
		sub(/^[^\]]*\] */, "", why)
		n = split(hdr, w, " ")
		kind = w[1]
		globs = ""
		for (i = 2; i <= n; i++)
			globs = globs (i > 2 ? " " : "") w[i]
		if (kind == "required-any")
			kind = "any" (++groups)
		note = ""
		inhdr = 1
		next
	}
	/^#/ && kind != "" {
		t = $0
		sub(/^# */, "", t)
		if (inhdr)
			why = why (why != "" ? " " : "") t
		else
			note = (after_opt ? "" : note " ") t
		after_opt = 0
		next
	}
	/^$/ { kind = ""; next }
	/^CONFIG_[A-Za-z0-9_]+=/ && kind != "" {
		opt = $0
		sub(/=.*/, "", opt)
		print kind "\t" opt "\t" globs "\t" (note != "" ? note : why)
		inhdr = 0
		after_opt = 1
	}' "$want"
}

# have[OPTION]: set (y, m or a value) in the kernel config; known[OPTION]:
# the config names it, set or "is not set".
declare -A have=() known=()
load() {
	local line o
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) known[${line%%=*}]=1 ;;
		CONFIG_*=*) have[${line%%=*}]=1; known[${line%%=*}]=1 ;;
		"# CONFIG_"*" is not set")
			o=${line#\# }
			known[${o%% *}]=1 ;;
		esac
	done <"$1"
}

case $1 in
--list-required)
	sections | awk -F'\t' '
		$1 == "required" { print $2 }
		$1 ~ /^any/ { g[$1] = c[$1]++ ? g[$1] "|" $2 : $2 }
		END { for (k in g) print g[k] }' | sort
	;;
--markdown)
	sections | awk -F'\t' '
		$1 == "required" { print "- `" $2 "` (" $4 ")" }
		$1 ~ /^any/ { g[$1] = (c[$1]++ ? g[$1] " or " : "") "`" $2 "`"; w[$1] = $4 }
		END { for (k in g) print "- " g[k] " (" w[k] ")" }
		'
	;;
--required)
	load "$2"
	missing=()
	declare -A anyok=() anyopts=()
	while IFS=$'\t' read -r kind opt _ _; do
		case $kind in
		required) [ -n "${have[$opt]:-}" ] || missing+=("$opt") ;;
		any*)
			[ -z "${have[$opt]:-}" ] || anyok[$kind]=1
			anyopts[$kind]="${anyopts[$kind]:+${anyopts[$kind]}|}$opt" ;;
		esac
	done < <(sections)
	for k in "${!anyopts[@]}"; do
		[ -n "${anyok[$k]:-}" ] || missing+=("${anyopts[$k]}")
	done
	echo "${missing[*]}"
	;;
--topics)
	load "$2"
	while IFS=$'\t' read -r kind opt globs _; do
		case $kind in
		topic) ;;
		topic-if-known) [ -n "${known[$opt]:-}" ] || continue ;;
		*) continue ;;
		esac
		[ -n "${have[$opt]:-}" ] || printf '%s\t%s\n' "$opt" "$globs"
	done < <(sections)
	;;
esac
exit 0
