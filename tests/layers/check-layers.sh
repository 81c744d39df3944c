#!/usr/bin/env bash
# Fails when a source file includes a project header its layer may not use.
# The rules (docs/architecture.md): dependencies run one way,
#   cli -> sink, serve -> output ; cli, sink, serve -> engine -> kernel ; all -> util -> contract
# and only kernel/ sees the BPF skeleton. Usage: check-layers.sh [ROOT]
set -u
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2

# layer -> the folders whose headers it may include (besides system headers)
declare -A allowed=(
	[contract]="bpf"
	[util]="bpf util"
	[kernel]="bpf util kernel"
	[engine]="bpf util kernel engine"
	[output]="bpf util output"
	[sink]="bpf util engine output sink"
	[serve]="bpf util engine output serve"
	[cli]="bpf util kernel engine output sink serve cli"
)

layer_of() {
	case $1 in
	bpf/*.bpf.c | bpf/*.bpf.h) echo bpf-prog ;;
	bpf/*.h) echo contract ;;
	src/*/*) local d=${1#src/}; echo "${d%%/*}" ;;
	*) echo unknown ;;
	esac
}

bad=0
while IFS= read -r f; do
	layer=$(layer_of "$f")
	[ "$layer" = bpf-prog ] && continue
	if [ "$layer" = unknown ] || [ -z "${allowed[$layer]+x}" ]; then
		echo "check-layers: $f: not in a known layer (src/<layer>/ or bpf/)"
		bad=1
		continue
	fi
	while IFS=: read -r line inc; do
		inc=${inc#*\"}
		inc=${inc%%\"*}
		if [ "${inc%.skel.h}" != "$inc" ]; then
			[ "$layer" = kernel ] && continue
			echo "check-layers: $f:$line: includes the BPF skeleton; only src/kernel/ may"
			bad=1
			continue
		fi
		if [ "$layer" = contract ]; then
			# contract headers include only each other, by bare name
			if [ -f "bpf/$inc" ] && [ "${inc%.bpf.h}" = "$inc" ]; then continue; fi
			echo "check-layers: $f:$line: contract header includes \"$inc\""
			bad=1
			continue
		fi
		if [ "${inc%.pb-c.h}" != "$inc" ]; then
			# protoc-c's output for the protobuf exposition: output/ formats it
			[ "$layer" = output ] && continue
			echo "check-layers: $f:$line: only output/ may include the generated \"$inc\""
			bad=1
			continue
		fi
		dir=${inc%%/*}
		if [ "$dir" = "$inc" ]; then
			echo "check-layers: $f:$line: \"$inc\": write project includes with their folder"
			bad=1
			continue
		fi
		case " ${allowed[$layer]} " in
		*" $dir "*) ;;
		*)
			echo "check-layers: $f:$line: $layer may not include \"$inc\" (allowed: ${allowed[$layer]})"
			bad=1
			;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed 's/^\([0-9]*\):/\1:/')
done < <(find src bpf -name '*.[ch]' | sort)

if [ $bad -ne 0 ]; then
	echo "check-layers: FAILED"
	exit 1
fi
echo "check-layers: ok ($(find src bpf -name '*.[ch]' | wc -l) files)"
