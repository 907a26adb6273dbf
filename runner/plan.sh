# shellcheck shell=bash
# shellcheck disable=SC2154 # settings from runner/cli.sh, sourced first
# plan.sh - what a run_tests.sh run will do: the kernels, CPUs and columns
# at once, the build, the selected binaries and cases, the results
# directory. Sourced by run_tests.sh.

# Expand "all" and check every alias (ALIAS[=VERSION]) against the
# harness's, before anything slow happens.  Paths are checked for
# existence only.
resolve_kernels() {
	local aliases k why
	if [ "$kernels" = all ]; then
		aliases=$("$vm/fetch_kernel.sh" --list-series) ||
			die "vm/fetch_kernel.sh --list-series failed"
		mapfile -t kernel_list <<<"$aliases"
		return
	fi
	aliases=$("$vm/fetch_kernel.sh" --list-aliases) ||
		die "vm/fetch_kernel.sh --list-aliases failed"
	IFS=, read -ra kernel_list <<<"$kernels"
	for k in "${kernel_list[@]}"; do
		if [[ $k == */* ]] || [ -e "$k" ]; then
			why=$(kernel_image_problem "$k")
			[ -z "$why" ] || usage_error "--kernel $k: $why"
		elif [[ $k == *=* ]] && [ -z "${k#*=}" ]; then
			usage_error "'$k': the pin wants a package version (${k%%=*}=VERSION)"
		elif ! grep -qxF -- "${k%%=*}" <<<"$aliases"; then
			usage_error "unknown kernel '$k' (known: ${aliases//$'\n'/ })"
		fi
	done
}

# Check every --cpu model with QEMU itself (vm/qemu_cpu.sh) before anything
# slow: unknown, 32-bit or EL2-less models are usage errors.
resolve_cpus() {
	local why
	cpu_list=("")
	[ -n "$cpus" ] || return 0
	IFS=, read -ra cpu_list <<<"$cpus"
	why=$("$vm/qemu_cpu.sh" "${cpu_list[@]}" 2>&1 >/dev/null)
	case $? in
	0) ;;
	2) usage_error "--cpu: ${why#qemu_cpu.sh: }" ;;
	*) die "vm/qemu_cpu.sh could not ask QEMU about the CPU models: $why" ;;
	esac
}

# Columns at once: one per host core. Each TCG guest runs -smp 2 but keeps
# about one host core busy (its vCPUs mostly wait on each other); see the
# measurements in docs/columns.md.
default_jobs() {
	local n
	n=$(nproc 2>/dev/null) || n=1
	njobs=${njobs:-$(( n > 1 ? n : 1 ))}
}

build_tests() {
	local logf=$tmp/build.log
	[ $build -eq 1 ] || return 0
	log "building tests (make${O:+ O=$O})"
	if [ $verbose -eq 1 ]; then
		make -C "$top" -s ${O:+O="$O"} 2>&1 | tee "$logf" >&2
	else
		make -C "$top" -s ${O:+O="$O"} >"$logf" 2>&1
	fi || { tail -n 40 "$logf" >&2; die "make failed"; }
}

# The test binaries, one path per line.
binaries() {
	local f
	for f in "$testdir"/*; do
		[ -f "$f" ] && [ -x "$f" ] && echo "$f"
	done
}

# --test LIST as run_direct.sh entries, NAME or NAME:GLOBS, in
# selection[] in the order first named: a binary on its own runs whole, a
# group adds its binaries with its case globs (several groups' globs for one
# binary are joined). Names not in the table must be built binaries
# (check_tests, after the build): a typo of a group is caught here, before
# anything slow.
resolve_tests() {
	local out
	selection=()
	[ -n "$tests" ] || return 0
	[ -f "$groups_conf" ] || die "no test-group table $groups_conf"
	out=$(awk -v items="$tests" '
		function add(b, g) {
			if (!(b in sel)) {
				order[++no] = b
				sel[b] = g
			} else if (sel[b] == "*" || g == "*") {
				sel[b] = "*"
			} else {
				sel[b] = sel[b] "," g
			}
		}
		/^[ \t]*(#|$)/ { next }
		{ grp[$1]; bin[$2]; g[++nr] = $1; b[nr] = $2; c[nr] = $3 }
		END {
			n = split(items, it, ",")
			for (i = 1; i <= n; i++) {
				if (it[i] in grp) {
					for (r = 1; r <= nr; r++)
						if (g[r] == it[i])
							add(b[r], c[r])
				} else {
					add(it[i], "*")
				}
			}
			for (i = 1; i <= no; i++)
				print order[i] (sel[order[i]] == "*" ? "" : ":" sel[order[i]])
			printf "groups:"
			for (x in grp)
				printf " %s", x
			print ""
		}' "$groups_conf") || die "cannot read $groups_conf"
	mapfile -t selection < <(grep -v '^groups:' <<<"$out")
	test_groups=$(sed -n 's/^groups: //p' <<<"$out" | tr ' ' '\n' | sort | paste -sd ' ')
}

# Every --test name that is not a group is a binary in $testdir.
check_tests() {
	local e
	for e in "${selection[@]}"; do
		[ -x "$testdir/${e%%:*}" ] || usage_error "--test: '${e%%:*}'" \
			"is neither a test group ($test_groups) nor a test binary in ${testdir#"$top"/}"
	done
}

# The selected binaries as NAME<TAB>GLOBS lines (GLOBS empty: all cases).
selected_binaries() {
	local bin e
	if [ ${#selection[@]} -eq 0 ]; then
		while read -r bin; do
			printf '%s\t\n' "${bin##*/}"
		done < <(binaries)
		return
	fi
	for e in "${selection[@]}"; do
		if [[ $e == *:* ]]; then
			printf '%s\t%s\n' "${e%%:*}" "${e#*:}"
		else
			printf '%s\t\n' "$e"
		fi
	done
}

# bin_entry NAME: NAME's --test selection entry (NAME:GLOBS), else NAME.
bin_entry() {
	local e
	for e in "${selection[@]}"; do
		[ "${e%%:*}" != "$1" ] || { echo "$e"; return; }
	done
	echo "$1"
}

# The due cases as BINARY:CASE lines, from run_direct.sh -l, the one
# implementation of case selection in shell (the binaries' own is
# lib/test.c's; hosttests/test_run_direct.sh pins that the two agree).
list_from_cases() {
	local -a entries
	mapfile -t entries < <(selected_binaries | sed 's/\t$//; s/\t/:/')
	"$runner/run_direct.sh" -l ${filter:+-f "$filter"} "$testdir" \
		"${entries[@]}" || return 3
}

list_cases() {
	if [ "$mode" = direct ]; then
		"$runner/run_direct.sh" -l ${filter:+-f "$filter"} "$testdir" \
			"${selection[@]}"
	else
		list_from_cases
	fi
}

# The filter travels on the kernel command line, and a filter that matches
# nothing would cost a boot to find out.
check_filter() {
	local matches
	[ -n "$filter$tests" ] || return 0
	case $filter in
	*[[:space:]\"\'\\]*)
		usage_error "--filter cannot hold blanks, quotes or backslashes in VM mode" ;;
	esac
	matches=$(list_from_cases 2>/dev/null) || return 0
	local what=
	[ -z "$tests" ] || what="--test '$tests'"
	[ -z "$filter" ] || what+="${what:+ and }--filter '$filter'"
	[ -n "$matches" ] || usage_error "no case matches $what"
}

new_resdir() {
	local base n=1
	base=$results/$(date +%Y%m%d-%H%M%S)
	resdir=$base
	while [ -e "$resdir" ]; do
		resdir=$base-$((n++))
	done
	mkdir -p "$resdir" || die "cannot create $resdir"
	ln -sfn "${resdir##*/}" "$results/latest" 2>/dev/null
}
