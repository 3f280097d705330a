#!/usr/bin/env bash
# TURN relay throughput benchmark: Confab's embedded TURN server against coturn, on this machine,
# in one run, both driven by coturn's own load client (turnutils_uclient) with the same parameters.
#
#   scripts/turn-bench.sh [--confab PATH] [--only coturn|confab] [--runs N] [--clients M]
#                         [--messages N] [--length BYTES] [--interval MS] [--relay-ports LO-HI]
#                         [--coturn-arg ARG]... [--confab-arg ARG]... [--json] [--keep] [--verbose]
#
#   --confab PATH      Confab binary (target/release/confab); skipped with a message if it is missing
#                      or has no --turn-listen (an older build). --only picks one server.
#   --runs N           runs per server (1); the run with the median relayed pkt/s is reported (the
#                      lower of the middle two for even N), and every run's pkt/s is listed.
#   --clients M        uclient sessions (100); uclient connects ~10 sessions per second.
#   --messages N       messages per session (12000).  --length BYTES  payload per message (1000).
#   --interval MS      gap between a session's messages (1); 0 = flood.
#   --relay-ports      relay port range for both servers (50000-59999).
#   --coturn-arg/--confab-arg ARG   one more server flag (repeatable), e.g. --coturn-arg --relay-threads=1
#   --json             one JSON object on stdout instead of the table.  --keep  keep logs (/tmp/turn-bench.*)
#   --verbose          print the exact commands and each run's raw figures.
#
# Setup, per server and per run (servers are started fresh for every run, runs are interleaved
# coturn, confab, coturn, confab... so slow drift of the machine hits both alike):
#   turnutils_peer (UDP echo) on 127.0.0.1  <--relay-->  server on 127.0.0.1  <--  turnutils_uclient
#   uclient opens M sessions (-c: no RTCP twin), each with one allocation (plus an idle "probe"
#   allocation it makes first and abandons), binds a channel to the peer and sends N ChannelData
#   messages of L bytes, one every Z ms (-z); the peer echoes them back through the relay.
#   Both servers use TURN REST credentials (shared secret, realm "confab"), no TLS/DTLS, loopback
#   peers allowed, the same relay port range, no quotas or bandwidth limits.
#
# What is reported (per server; with --runs N the run with the (lower) median packets/s is shown):
#   relayed pkt/s  datagrams the server forwarded per second, both directions: every echoed message
#                  counts twice (client->peer and peer->client). Measured over the middle of the
#                  traffic (uclient's once-a-second progress lines from the first one past 25% of all
#                  echoes to the last one before 75%), which keeps uclient's connect phase and the
#                  ramps from its random 1-6 s session start offsets out of it. Too short a run for
#                  that falls back to the whole traffic span ("window all" below the table).
#   Mbit/s         relayed pkt/s * L * 8: payload only (no ChannelData/UDP/IP headers).
#   loss %         uclient's own figure for the whole run: (sent - echoed) / sent.
#   RTT ms         uclient's "Average round trip delay" (1 ms clock, so loopback figures are small).
#   CPU us/pkt     server process CPU time (utime+stime of all its threads, /proc/PID/stat) in the same
#                  window, divided by the relayed packets in it. Lower is better.
#   CPU %          server CPU in the window, 100 = one core. The uclient's and the peer's CPU % and
#                  the UDP receive-buffer drops (server sockets vs. the rest) are printed below the
#                  table: if the load generators are at 100% or drop, the run measured them, not the
#                  server.
# The default load is paced (Z=1 ms: 1000 msg/s per session, 100 sessions = 100k msg/s each way,
# 200k relayed pkt/s). A server that keeps up delivers the offered rate, so the pkt/s ratio is then
# ~1.00 and CPU us/pkt is what tells them apart; a server that doesn't shows it as lower pkt/s,
# loss and RTT. --interval 0 makes uclient flood (as fast as it can, bursty): a saturation test, but
# on 2 cores the echo peer and uclient then drop packets too (see the drops line).
#
# Needs bash >= 5 ($EPOCHREALTIME), coturn's turnserver/turnutils_uclient/turnutils_peer, ss, stdbuf.
# It never builds Confab: build it first with `bash scripts/build.sh`.
set -Eeuo pipefail
# set -e alone exits without a word; say where, so a failure is never mistaken for a finished run.
trap 'echo "turn-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

confab_bin=target/release/confab
only=""
runs=1
clients=100
messages=12000
length=1000
interval=1
relay_ports=50000-59999
json=0
keep=0
verbose=0
coturn_extra=()
confab_extra=()

need_arg() { [[ $# -ge 2 && -n $2 ]] || { echo "turn-bench: $1 needs a value" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --confab) need_arg "$@"; confab_bin=$2; shift 2 ;;
        --only) need_arg "$@"; only=$2; shift 2 ;;
        --runs) need_arg "$@"; runs=$2; shift 2 ;;
        --clients) need_arg "$@"; clients=$2; shift 2 ;;
        --messages) need_arg "$@"; messages=$2; shift 2 ;;
        --length) need_arg "$@"; length=$2; shift 2 ;;
        --interval) need_arg "$@"; interval=$2; shift 2 ;;
        --relay-ports) need_arg "$@"; relay_ports=$2; shift 2 ;;
        --coturn-arg) need_arg "$@"; coturn_extra+=("$2"); shift 2 ;;
        --confab-arg) need_arg "$@"; confab_extra+=("$2"); shift 2 ;;
        --json) json=1; shift ;;
        --keep) keep=1; shift ;;
        --verbose|-v) verbose=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "turn-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

die() { echo "turn-bench: $*" >&2; exit 1; }
# Progress goes to stderr so that --json leaves stdout parseable.
say() { echo "$*" >&2; }
vsay() { if (( verbose )); then say "$@"; fi; }

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in runs clients messages length interval; do
    is_uint "${!v}" || die "--$v must be a whole number, not '${!v}'"
done
(( runs >= 1 && clients >= 1 && messages >= 1 )) || die "--runs, --clients and --messages must be >= 1"
# uclient's payload carries its own sequence number and timestamp; below 16 bytes it pads anyway.
(( length >= 16 && length <= 65000 )) || die "--length must be 16..65000"
[[ $relay_ports =~ ^([0-9]+)-([0-9]+)$ ]] || die "--relay-ports must look like 50000-59999"
relay_min=${BASH_REMATCH[1]} relay_max=${BASH_REMATCH[2]}
(( relay_min >= 1024 && relay_min < relay_max && relay_max <= 65535 )) || die "bad --relay-ports"
case $only in ""|coturn|confab) ;; *) die "--only takes coturn or confab" ;; esac
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (for \$EPOCHREALTIME)"
for tool in turnserver turnutils_uclient turnutils_peer ss stdbuf find; do
    command -v "$tool" >/dev/null || die "$tool not found (coturn: apt-get install coturn)"
done
hz=$(getconf CLK_TCK)

# --- Which servers run -------------------------------------------------------------------------
servers=()
[[ $only != confab ]] && servers+=(coturn)
if [[ $only != coturn ]]; then
    if [[ ! -x $confab_bin ]]; then
        msg="no Confab binary at $confab_bin; build it with: bash scripts/build.sh"
        [[ $only == confab ]] && die "$msg"
        say "turn-bench: $msg -- skipping Confab, measuring coturn only"
    # Not `--help | grep -q`: grep quitting early fails the pipe (pipefail), which reads as "no".
    elif [[ $("$confab_bin" --help 2>/dev/null || true) != *--turn-listen* ]]; then
        # The embedded TURN server is new: an older binary simply doesn't have the flags.
        msg="$confab_bin has no embedded TURN server (no --turn-listen in --help); rebuild it with: bash scripts/build.sh"
        [[ $only == confab ]] && die "$msg"
        say "turn-bench: $msg -- skipping Confab, measuring coturn only"
    else
        servers+=(confab)
    fi
fi

# --- Processes and cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/turn-bench.XXXXXX")
pids=()
failed=1
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if (( keep || failed )); then
        say "turn-bench: logs kept in $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
    local p keep_pids=()
    for p in "${pids[@]}"; do [[ $p == "$1" ]] || keep_pids+=("$p"); done
    pids=("${keep_pids[@]}")
}

stop() { # pid: TERM, then KILL if it lingers; a server that hangs on exit must not stall the bench
    local pid=$1 i
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# Ports below the kernel's ephemeral range (32768+) and outside the relay range, so neither the
# uclient's own sockets nor relay allocations can take them between picking and binding.
used_ports=" "
pick_port() { # prints a port p with p and p+1 free (turnutils_peer binds both, coturn may too)
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 10000))
        [[ $used_ports == *" $p "* || $used_ports == *" $((p + 1)) "* ]] && continue
        if [[ -z $(ss -Htuan "( sport = :$p or sport = :$((p + 1)) )") ]]; then
            used_ports+="$p $((p + 1)) "
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

wait_udp_listen() { # port pid name log: until something listens on the UDP port, or fail loudly
    local port=$1 pid=$2 name=$3 log=$4 i
    for ((i = 0; i < 300; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "turn-bench: $name exited before listening on UDP $port; end of $log:"
            tail -n 20 "$log" >&2 || true
            exit 1
        fi
        [[ -n $(ss -Hlun "sport = :$port") ]] && return 0
        sleep 0.1
    done
    say "turn-bench: $name isn't listening on UDP $port after 30 s; end of $log:"
    tail -n 20 "$log" >&2 || true
    exit 1
}

still_alive() { # pid name log
    kill -0 "$1" 2>/dev/null && return 0
    say "turn-bench: $2 died during the run; end of $3:"
    tail -n 20 "$3" >&2 || true
    exit 1
}

cpu_ticks() { # pid -> utime+stime in clock ticks, all threads; -1 once it's gone
    local stat rest
    local -a f
    if ! read -r stat 2>/dev/null <"/proc/$1/stat"; then echo -1; return; fi
    rest=${stat##*) }            # the command name may hold spaces; fields after it don't
    read -r -a f <<<"$rest"      # f[0] is field 3 (state): utime is field 14, stime field 15
    echo $((f[11] + f[12]))
}

udp_rcvbuf_errors() { # host-wide UDP datagrams dropped because a receive buffer was full
    awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp
}

server_drops() { # pid -> receive-buffer drops summed over the UDP sockets that pid owns right now
    # find fails when an fd closes under it (sessions end while we look): take what it saw.
    { find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null || true; } |
        awk 'FNR == NR { gsub(/[^0-9]/, ""); own[$0] = 1; next }
             FNR > 1 && ($10 in own) { d += $NF }
             END { print d + 0 }' - /proc/net/udp /proc/net/udp6
}

# --- The echo peer (shared by all runs; its CPU and drops are sampled per run) ----------------
secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
peer_port=$(pick_port)
turnutils_peer -L 127.0.0.1 -p "$peer_port" >"$tmp/peer.log" 2>&1 &
peer_pid=$!
pids+=("$peer_pid")
wait_udp_listen "$peer_port" "$peer_pid" turnutils_peer "$tmp/peer.log"

uclient_args=(-W "$secret" -u bench -e 127.0.0.1 -r "$peer_port"
    -m "$clients" -n "$messages" -l "$length" -z "$interval" -c)

start_server() { # name run -> sets server_pid, server_port
    local name=$1 run=$2 log="$tmp/$1.$2.server.log"
    server_port=$(pick_port)
    if [[ $name == coturn ]]; then
        # -n: ignore /etc/turnserver.conf; --db/--pidfile keep it out of /var. Threads: coturn's
        # defaults (relay threads = CPUs, plus listener and auth threads); the count is reported.
        local cmd=(turnserver -n --listening-ip 127.0.0.1 --listening-port "$server_port"
            --relay-ip 127.0.0.1 --min-port "$relay_min" --max-port "$relay_max"
            --use-auth-secret --static-auth-secret "$secret" --realm confab
            --allow-loopback-peers --no-tls --no-dtls --no-cli
            --db "$tmp/turndb" --pidfile "$tmp/turnserver.pid" --log-file stdout
            ${coturn_extra[@]+"${coturn_extra[@]}"})
    else
        local http_port
        http_port=$(pick_port)
        mkdir -p "$tmp/confab-data"
        local cmd=("$confab_bin" --host 127.0.0.1 --port "$http_port" --data-dir "$tmp/confab-data"
            --turn-listen "127.0.0.1:$server_port" --turn-secret "$secret"
            --turn-allow-peer 127.0.0.0/8 --turn-relay-ports "$relay_min-$relay_max"
            --turn-user-bandwidth 0 --turn-user-quota 0
            ${confab_extra[@]+"${confab_extra[@]}"})
    fi
    vsay "+ ${cmd[*]}"
    "${cmd[@]}" >"$log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    wait_udp_listen "$server_port" "$server_pid" "$name" "$log"
}

# Runs uclient against the server and writes $tmp/NAME.RUN.samples, one line per uclient progress
# line (it prints one per second): wall time, sent, echoed, server/peer/uclient CPU ticks, server
# socket drops. The wall time is taken as the line arrives (uclient's own clock is whole seconds).
run_client() { # name run
    local name=$1 run=$2
    local base="$tmp/$name.$run" fifo="$tmp/$name.$run.fifo"
    local line fd uc rc t wait_s drops=0 d
    local snmp0 snmp1
    mkfifo "$fifo"
    : >"$base.uclient.log"
    snmp0=$(udp_rcvbuf_errors)
    vsay "+ turnutils_uclient ${uclient_args[*]} -p $server_port 127.0.0.1"
    # stdbuf: uclient logs through stdio, which would sit on its lines in a pipe's buffer.
    stdbuf -oL turnutils_uclient "${uclient_args[@]}" -p "$server_port" 127.0.0.1 >"$fifo" 2>&1 &
    uc=$!
    pids+=("$uc")
    exec {fd}<"$fifo"
    : >"$base.samples"
    # uclient is silent while it connects (~0.1 s per session: it runs its event loop 100 ms after
    # each one), then prints every second; a server that never answers leaves it blocked for good.
    wait_s=$((60 + clients / 5))
    while :; do
        if IFS= read -r -t "$wait_s" -u "$fd" line; then
            printf '%s\n' "$line" >>"$base.uclient.log"
            if [[ $line =~ msz=([0-9]+),\ tot_send_msgs=([0-9]+),\ tot_recv_msgs=([0-9]+) ]]; then
                t=$EPOCHREALTIME
                d=$(server_drops "$server_pid")
                # Relay sockets close as sessions end; the largest sum seen is the run's figure.
                if (( d > drops )); then drops=$d; fi
                echo "$t ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} $(cpu_ticks "$server_pid")" \
                    "$(cpu_ticks "$peer_pid") $(cpu_ticks "$uc")" >>"$base.samples"
                wait_s=30
            fi
        else
            rc=$?
            (( rc > 128 )) || break   # EOF: uclient is done
            kill "$uc" 2>/dev/null || true
            exec {fd}<&-
            say "turn-bench: uclient against $name printed nothing for $wait_s s (server not answering? uclient never retries a request); end of its output:"
            tail -n 15 "$base.uclient.log" >&2 || true
            exit 1
        fi
    done
    exec {fd}<&-
    if wait "$uc"; then rc=0; else rc=$?; fi
    forget_pid "$uc"
    snmp1=$(udp_rcvbuf_errors)
    if (( rc != 0 )) || ! grep -q 'Total lost packets' "$base.uclient.log"; then
        say "turn-bench: uclient against $name failed (exit $rc); end of its output:"
        tail -n 15 "$base.uclient.log" >&2 || true
        say "turn-bench: end of the $name log:"
        tail -n 15 "$base.server.log" >&2 || true
        exit 1
    fi
    echo "$drops $((snmp1 - snmp0))" >"$base.drops"
}

# Turns one run's samples and uclient summary into a line of key=value results.
analyze() { # name run
    local base="$tmp/$1.$2"
    local sent recv lostpct rtt
    read -r sent recv < <(sed -n 's/.*tot_send_msgs=\([0-9]*\), tot_recv_msgs=\([0-9]*\)$/\1 \2/p' "$base.uclient.log" | tail -n 1)
    lostpct=$(sed -n 's/.*Total lost packets [0-9]* (\([0-9.]*\)%.*/\1/p' "$base.uclient.log" | tail -n 1)
    rtt=$(sed -n 's/.*Average round trip delay \([0-9.]*\) ms.*/\1/p' "$base.uclient.log" | tail -n 1)
    local srv_drops host_drops
    read -r srv_drops host_drops <"$base.drops"
    awk -v name="$1" -v run="$2" -v sent="${sent:-0}" -v recv="${recv:-0}" -v loss="${lostpct:-0}" \
        -v rtt="${rtt:-0}" -v len="$length" -v hz="$hz" -v sd="$srv_drops" -v hd="$host_drops" '
        { t[n] = $1; s[n] = $2; r[n] = $3; c[n] = $4; p[n] = $5; u[n] = $6; n++ }
        END {
            if (recv <= 0 || n < 2) { printf "name=%s run=%s ok=0\n", name, run; exit }
            # Middle half of the echoes: past the ramp-up of the staggered session starts and
            # before the ramp-down, so it is the sustained rate with every session sending.
            i1 = -1; i2 = -1
            for (i = 0; i < n; i++) {
                if (i1 < 0 && r[i] >= 0.25 * recv) i1 = i
                if (r[i] <= 0.75 * recv) i2 = i
            }
            win = "mid50"
            if (i1 < 0 || i2 < 0 || i2 - i1 < 2) {
                # Too short a run for that: use all of the traffic, ramps included.
                win = "all"; i1 = 0; i2 = n - 1
                for (i = 0; i < n; i++) if (s[i] == 0) i1 = i
                for (i = n - 1; i >= 0; i--) if (r[i] >= recv) i2 = i
            }
            dt = t[i2] - t[i1]; dr = r[i2] - r[i1]
            if (dt <= 0 || dr <= 0) { printf "name=%s run=%s ok=0\n", name, run; exit }
            pps = 2 * dr / dt
            cpu = (c[i2] - c[i1]) / hz
            printf "name=%s run=%s ok=1 pps=%.0f mbps=%.1f loss=%.3f rtt=%.3f us_per_pkt=%.2f", \
                name, run, pps, pps * len * 8 / 1e6, loss, rtt, cpu * 1e6 / (2 * dr)
            printf " server_cpu=%.0f peer_cpu=%.0f uclient_cpu=%.0f window_s=%.1f window=%s", \
                100 * cpu / dt, 100 * (p[i2] - p[i1]) / hz / dt, 100 * (u[i2] - u[i1]) / hz / dt, dt, win
            printf " sent=%d echoed=%d server_drops=%d other_drops=%d\n", sent, recv, sd, (hd > sd ? hd - sd : 0)
        }' "$base.samples"
}

# --- Runs ----------------------------------------------------------------------------------------
say "turn-bench: ${servers[*]}; $runs run(s) each; $clients sessions x $messages msgs x $length B," \
    "every $interval ms per session (offered $( ((interval > 0)) && echo "$((clients * 1000 / interval)) msg/s each way" || echo flood))"
say "turn-bench: uclient $(printf '%q ' "${uclient_args[@]}" | sed "s/$secret/\$SECRET/")-p PORT 127.0.0.1"
results=()
for ((run = 1; run <= runs; run++)); do
    for name in "${servers[@]}"; do
        start_server "$name" "$run"
        if [[ $name == coturn && $run == 1 ]]; then
            say "turn-bench: coturn $(turnserver --version 2>/dev/null | head -n 1 || true), relay threads:" \
                "$(grep -c 'general relay thread' "$tmp/coturn.1.server.log" || true) (default = CPUs = $(nproc))"
        fi
        say "turn-bench: run $run/$runs: $name ..."
        run_client "$name" "$run"
        # A server that crashed mid-run leaves uclient counting losses: that is no throughput figure.
        still_alive "$server_pid" "$name" "$tmp/$name.$run.server.log"
        still_alive "$peer_pid" turnutils_peer "$tmp/peer.log"
        stop "$server_pid"
        res=$(analyze "$name" "$run")
        [[ $res == *" ok=1 "* ]] || die "$name run $run: no usable figures (see $tmp/$name.$run.uclient.log)"
        results+=("$res")
        vsay "  $res"
        sleep 1
    done
done

# --- Report --------------------------------------------------------------------------------------
printf '%s\n' "${results[@]}" >"$tmp/results"
# For each server, the run with the (lower) median relayed pkt/s, then the ratio.
awk -v json="$json" -v runs="$runs" -v clients="$clients" -v messages="$messages" -v len="$length" \
    -v interval="$interval" '
    function ratio(a, b, none) { return b + 0 > 0 ? sprintf("%.3f", a / b) : none }
    function v(line, key) { return match(line, " " key "=[^ ]*") ? substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2) : "" }
    {
        line = " " $0; nm = v(line, "name")
        k = cnt[nm]++; rows[nm, k] = line; pps[nm, k] = v(line, "pps") + 0
        if (!(nm in seen)) { seen[nm] = 1; order[norder++] = nm }
    }
    END {
        for (j = 0; j < norder; j++) {
            nm = order[j]; m = cnt[nm]
            for (a = 0; a < m; a++) idx[a] = a
            for (a = 1; a < m; a++) for (b = a; b > 0 && pps[nm, idx[b - 1]] > pps[nm, idx[b]]; b--) {
                x = idx[b]; idx[b] = idx[b - 1]; idx[b - 1] = x
            }
            best[nm] = rows[nm, idx[int((m - 1) / 2)]]
        }
        keys = "pps mbps loss rtt us_per_pkt server_cpu peer_cpu uclient_cpu window_s sent echoed server_drops other_drops"
        nk = split(keys, K, " ")
        if (json) {
            printf "{\"params\":{\"clients\":%d,\"messages\":%d,\"length\":%d,\"interval_ms\":%d,\"runs\":%d,\"pick\":\"median_pps\"}", \
                clients, messages, len, interval, runs
            for (j = 0; j < norder; j++) {
                nm = order[j]; printf ",\"%s\":{", nm
                for (i = 1; i <= nk; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), K[i], v(best[nm], K[i])
                printf ",\"runs_pps\":["
                for (a = 0; a < cnt[nm]; a++) printf "%s%s", (a ? "," : ""), pps[nm, a]
                printf "]}"
            }
            if (("coturn" in best) && ("confab" in best))
                printf ",\"ratio_confab_over_coturn\":{\"pps\":%s,\"us_per_pkt\":%s}", \
                    ratio(v(best["confab"], "pps"), v(best["coturn"], "pps"), "null"), \
                    ratio(v(best["confab"], "us_per_pkt"), v(best["coturn"], "us_per_pkt"), "null")
            printf "}\n"
            exit
        }
        printf "\n%-8s %14s %9s %7s %8s %11s %7s\n", "server", "relayed pkt/s", "Mbit/s", "loss %", "RTT ms", "CPU us/pkt", "CPU %"
        for (j = 0; j < norder; j++) {
            nm = order[j]; b = best[nm]
            printf "%-8s %14d %9.1f %7.3f %8.3f %11.2f %7.0f\n", nm, v(b, "pps"), v(b, "mbps"), v(b, "loss"), \
                v(b, "rtt"), v(b, "us_per_pkt"), v(b, "server_cpu")
        }
        if (("coturn" in best) && ("confab" in best))
            printf "\nconfab/coturn: pkt/s x%s (goal >= 1), CPU per packet x%s (lower is better)\n", \
                ratio(v(best["confab"], "pps"), v(best["coturn"], "pps"), "?"), \
                ratio(v(best["confab"], "us_per_pkt"), v(best["coturn"], "us_per_pkt"), "?")
        printf "\n"
        for (j = 0; j < norder; j++) {
            nm = order[j]; b = best[nm]
            printf "%s: window %ss (%s), uclient CPU %s%%, peer CPU %s%%, UDP rcvbuf drops: server sockets %s, elsewhere (peer, uclient, rest of host) %s", \
                nm, v(b, "window_s"), v(b, "window"), v(b, "uclient_cpu"), v(b, "peer_cpu"), v(b, "server_drops"), v(b, "other_drops")
            if (cnt[nm] > 1) {
                printf "; pkt/s of all runs:"
                for (a = 0; a < cnt[nm]; a++) printf " %d", pps[nm, a]
            }
            printf "\n"
        }
        printf "(relayed = forwarded by the server, both directions; %s run%s each, the median shown)\n", runs, (runs > 1 ? "s" : "")
    }' "$tmp/results"
failed=0
