#!/usr/bin/env bash
# Load benchmark: Qalam against nginx serving saved copies of the same pages.
#
#   bash bench/run.sh
#
# Seeds a fresh database (10,000 articles, 100,000 comments), starts Qalam,
# saves the three benchmark pages into an nginx root, starts nginx, and runs
# wrk against each page on both servers in turn. Prints requests per second,
# p50 and p99 latency, the Qalam/nginx throughput ratio per page and Qalam's
# memory; the same report goes to bench/out/results.txt. See bench/README.md.
#
# Environment: DURATION (10s), CONNECTIONS (32), THREADS (2), WARMUP (3s),
# ARTICLES (10000), COMMENTS (100000), BIG_COMMENTS (500: comments on the big
# discussion; 5000 makes one read in parts), QALAM_PORT (18080), NGINX_PORT (18081),
# OUT (bench/out), DATABASE_URL (empty: SQLite; postgres://...: PostgreSQL,
# which must hold no articles yet), QUIET_WAIT (300), PROFILE (0; 1: perf),
# REUSE (0; 1: keep the previous run's SQLite database instead of seeding).
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-3s}
ARTICLES=${ARTICLES:-10000}
COMMENTS=${COMMENTS:-100000}
BIG_COMMENTS=${BIG_COMMENTS:-500}
QALAM_PORT=${QALAM_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
DATABASE_URL=${DATABASE_URL:-}

# The targets: Qalam's throughput at least MIN_RATIO % of nginx's, p99
# under MAX_P99_MS, peak resident memory under MAX_RSS_MB.
MIN_RATIO=40
MAX_P99_MS=25
MAX_RSS_MB=100

# The pages, by name: the long discussion, the home page, a small article.
PAGE_NAMES=(big-discussion home small-article)
PAGE_PATHS=(/articles/bench-big-discussion / /articles/bench-small-article)

cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RUN=$OUT/run
RESULTS=$OUT/results.txt

log() { printf '==> %s\n' "$*" >&2; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# --- tools -------------------------------------------------------------------

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
	if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
		log "installing Debian's wrk and nginx"
		apt-get install -y nginx-light wrk >&2
	else
		die "wrk and nginx are needed: sudo apt-get install -y nginx-light wrk"
	fi
fi
for tool in go curl awk; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_free "$QALAM_PORT" || die "port $QALAM_PORT is in use; set QALAM_PORT"
port_free "$NGINX_PORT" || die "port $NGINX_PORT is in use; set NGINX_PORT"

# --- clean-up ----------------------------------------------------------------

QALAM_PID=
NGINX_PID=
cleanup() {
	local pid
	for pid in "$QALAM_PID" "$NGINX_PID"; do
		if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build and seed ----------------------------------------------------------

# REUSE=1 keeps the SQLite database of the previous run instead of seeding.
REUSE=${REUSE:-0}
if [[ $REUSE == 1 && -z $DATABASE_URL && -f $RUN/data/qalam.db ]]; then
	find "$RUN" -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf {} +
	rm -f "$RUN/data/qalam.db-shm" "$RUN/data/qalam.db-wal"
else
	REUSE=0
	rm -rf "$RUN"
	mkdir -p "$RUN"
	mkdir -m 700 "$RUN/data"
fi
mkdir -p "$RUN/nginx/root" "$RUN/nginx/tmp" "$RUN/wrk"

log "building qalam and the seeder"
go build -o "$OUT/qalam" ./cmd/qalam
go build -o "$OUT/seed" ./bench/seed

if [[ -n $DATABASE_URL ]]; then
	DSN=$DATABASE_URL
	DB_NAME=PostgreSQL
else
	DSN=$RUN/data/qalam.db
	DB_NAME=SQLite
fi
if [[ $REUSE == 1 ]]; then
	SEEDED="reused $(cat "$RUN/data/seeded.txt" 2>/dev/null || echo "the previous run's database")"
else
	log "seeding $DB_NAME: $ARTICLES articles, $COMMENTS comments ($BIG_COMMENTS on the big discussion)"
	SEEDED=$("$OUT/seed" -database "$DSN" -articles "$ARTICLES" -comments "$COMMENTS" -big "$BIG_COMMENTS")
	echo "$SEEDED" >"$RUN/data/seeded.txt"
fi
log "$SEEDED"

# --- Qalam -------------------------------------------------------------------

QALAM=http://127.0.0.1:$QALAM_PORT
NGINX=http://127.0.0.1:$NGINX_PORT

serve=(serve -addr "127.0.0.1:$QALAM_PORT" -data "$RUN/data")
if [[ -n $DATABASE_URL ]]; then
	serve+=(-database "$DATABASE_URL")
fi
log "starting qalam at $QALAM"
"$OUT/qalam" "${serve[@]}" >"$RUN/qalam.log" 2>&1 &
QALAM_PID=$!

wait_for() { # url pid name
	local i
	for ((i = 0; i < 300; i++)); do
		if curl -fsS -o /dev/null "$1" 2>/dev/null; then
			return 0
		fi
		kill -0 "$2" 2>/dev/null || die "$3 exited; see $RUN/$3.log"
		sleep 0.1
	done
	die "$3 did not answer at $1 within 30s"
}
wait_for "$QALAM/healthz" "$QALAM_PID" qalam

# memory of a process in MB, from /proc/PID/status (VmRSS, VmHWM, ...)
mem_mb() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
IDLE_RSS=$(mem_mb "$QALAM_PID" VmRSS)

# --- the saved pages and nginx -----------------------------------------------

# Each page is saved where nginx finds it for the same path:
# / -> index.html, /articles/x -> articles/x/index.html.
# The first request of each page finds Qalam's page cache empty: its time
# is what a page costs to build from the database (the "cold" column).
BYTES=()
COLD=()
for i in "${!PAGE_PATHS[@]}"; do
	path=${PAGE_PATHS[$i]}
	file=$RUN/nginx/root${path%/}/index.html
	mkdir -p "$(dirname "$file")"
	COLD+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$QALAM$path" | awk '{ printf "%.1f", $1 * 1000 }')")
	curl -fsS -o "$file" "$QALAM$path"
	BYTES+=("$(wc -c <"$file")")
done

user_line=
if [[ $EUID -eq 0 ]]; then
	# nginx's workers would otherwise run as nobody, who may not read OUT.
	user_line="user $(id -un) $(id -gn);"
fi
cat >"$RUN/nginx/nginx.conf" <<EOF
# Written by bench/run.sh: serves the saved pages as static files.
$user_line
worker_processes auto;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;  # as Go: never close a busy keep-alive connection
    client_body_temp_path $RUN/nginx/tmp/body;
    proxy_temp_path $RUN/nginx/tmp/proxy;
    fastcgi_temp_path $RUN/nginx/tmp/fastcgi;
    uwsgi_temp_path $RUN/nginx/tmp/uwsgi;
    scgi_temp_path $RUN/nginx/tmp/scgi;
    types { }
    default_type "text/html; charset=utf-8";
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $RUN/nginx/root;
        location / {
            try_files \$uri \$uri/index.html =404;
            # The headers Qalam sends, so both answers are nearly the same size.
            add_header Cache-Control "no-cache";
            add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
            add_header X-Content-Type-Options nosniff;
            add_header Referrer-Policy same-origin;
            add_header X-Frame-Options DENY;
            add_header Cross-Origin-Opener-Policy same-origin;
            add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), interest-cohort=()";
        }
    }
}
EOF
log "starting nginx at $NGINX"
nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/nginx/error.log" >"$RUN/nginx.log" 2>&1 &
NGINX_PID=$!
wait_for "$NGINX/" "$NGINX_PID" nginx

for i in "${!PAGE_PATHS[@]}"; do
	got=$(curl -fsS "$NGINX${PAGE_PATHS[$i]}" | wc -c)
	[[ $got -eq ${BYTES[$i]} ]] || die "nginx serves $got bytes for ${PAGE_PATHS[$i]}, not ${BYTES[$i]}"
done

# --- load --------------------------------------------------------------------

log "warming up: $WARMUP per page and server"
for path in "${PAGE_PATHS[@]}"; do
	for base in "$QALAM" "$NGINX"; do
		wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$base$path" >/dev/null
	done
done

# to_ms converts a wrk duration (512.00us, 1.20ms, 2.00s, 1.00m) to ms.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
		if (f < 0) { print "?"; exit }
		printf "%.2f", n * f
	}'
}
# wrk_field FILE rps|p50|p99|errors
wrk_field() {
	case $2 in
	rps) awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$1" ;;
	p50) to_ms "$(awk '$1 == "50%" { print $2 }' "$1")" ;;
	p99) to_ms "$(awk '$1 == "99%" { print $2 }' "$1")" ;;
	errors)
		awk '/^  Non-2xx or 3xx responses:/ { n += $NF }
			/^  Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
			END { print n + 0 }' "$1"
		;;
	esac
}

# The machine may be shared: measure how much CPU others take. cpu_ticks
# is "busy all" in clock ticks from /proc/stat (busy = user, nice, system,
# irq, softirq, steal), proc_ticks the user+system ticks of processes.
cpu_ticks() { awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat; }
proc_ticks() {
	local pid t=0
	for pid in "$@"; do
		if [[ -r /proc/$pid/stat ]]; then
			t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
		fi
	done
	echo "$t"
}
server_pids() { # qalam|nginx
	if [[ $1 == qalam ]]; then
		echo "$QALAM_PID"
	else
		echo "$NGINX_PID"
		pgrep -P "$NGINX_PID" || true
	fi
}
HZ=$(getconf CLK_TCK)

# PROFILE=1 records a CPU profile of Qalam with perf during each Qalam run
# (bench/out/run/perf/PAGE.txt: the top symbols). It slows Qalam down a
# little, so the table of such a run is not a result.
PROFILE=${PROFILE:-0}
if [[ $PROFILE == 1 ]]; then
	command -v perf >/dev/null || die "PROFILE=1 needs perf (apt-get install linux-perf)"
	mkdir -p "$RUN/perf"
fi

# wait_quiet waits (QUIET_WAIT seconds at most over the whole run) until
# other processes use less than a quarter of the CPUs.
QUIET_WAIT=${QUIET_WAIT:-300}
QUIET_LEFT=$QUIET_WAIT
wait_quiet() {
	local b0 a0 b1 a1 pct
	while :; do
		read -r b0 a0 < <(cpu_ticks)
		sleep 1
		read -r b1 a1 < <(cpu_ticks)
		pct=$((100 * (b1 - b0) / (a1 - a0 + 1)))
		if ((pct < 25 || QUIET_LEFT <= 0)); then
			return 0
		fi
		if ((QUIET_LEFT == QUIET_WAIT || QUIET_LEFT % 30 == 0)); then
			log "other processes keep the CPUs ${pct}% busy; waiting for quiet (up to ${QUIET_LEFT}s more)"
		fi
		QUIET_LEFT=$((QUIET_LEFT - 2))
		sleep 1
	done
}

for i in "${!PAGE_PATHS[@]}"; do
	for server in qalam nginx; do
		base=$QALAM
		[[ $server == nginx ]] && base=$NGINX
		out=$RUN/wrk/${PAGE_NAMES[$i]}.$server
		wait_quiet
		log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $base${PAGE_PATHS[$i]}"
		# shellcheck disable=SC2046 # word splitting of the PID list is meant
		s0=$(proc_ticks $(server_pids "$server"))
		read -r b0 a0 < <(cpu_ticks)
		perf_pid=
		if [[ $PROFILE == 1 && $server == qalam ]]; then
			perf record -F 999 -g -p "$QALAM_PID" -o "$RUN/perf/${PAGE_NAMES[$i]}.data" >/dev/null 2>&1 &
			perf_pid=$!
		fi
		TIMEFORMAT='%U %S'
		{ time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base${PAGE_PATHS[$i]}" >"$out.txt"; } 2>"$out.time"
		read -r b1 a1 < <(cpu_ticks)
		if [[ -n $perf_pid ]]; then
			kill -INT "$perf_pid"
			wait "$perf_pid" || true
			perf report -i "$RUN/perf/${PAGE_NAMES[$i]}.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
				grep -v '^#' | grep -v '^$' | head -40 >"$RUN/perf/${PAGE_NAMES[$i]}.txt" || true
		fi
		# shellcheck disable=SC2046
		s1=$(proc_ticks $(server_pids "$server"))
		# Other processes' share of all CPU time during the run, in %.
		awk -v b="$((b1 - b0))" -v a="$((a1 - a0))" -v s="$((s1 - s0))" -v hz="$HZ" '
			{ w = ($1 + $2) * hz }
			END { o = b - s - w; if (o < 0) o = 0; printf "%.0f\n", (a > 0 ? 100 * o / a : 0) }' "$out.time" >"$out.others"
	done
done

PEAK_RSS=$(mem_mb "$QALAM_PID" VmHWM)
END_RSS=$(mem_mb "$QALAM_PID" VmRSS)
NGINX_RSS=0
for pid in "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true); do
	NGINX_RSS=$(awk -v a="$NGINX_RSS" -v b="$(mem_mb "$pid" VmHWM 2>/dev/null || true)" 'BEGIN { printf "%.1f", a + b }')
done

# --- report ------------------------------------------------------------------

{
	echo "Qalam load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) CPUs, $(uname -sr); $(go env GOVERSION); $(nginx -v 2>&1 | sed 's/.*: //'); wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
	echo "database: $DB_NAME; $SEEDED"
	echo "load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, each page on Qalam then nginx (warm-up $WARMUP each)"
	echo
	printf '%-15s %8s %8s %10s %10s %6s %10s %10s %10s %10s %7s  %s\n' \
		page bytes cold "qalam rps" "nginx rps" ratio "qalam p50" "qalam p99" "nginx p50" "nginx p99" others verdict
	for i in "${!PAGE_PATHS[@]}"; do
		q=$RUN/wrk/${PAGE_NAMES[$i]}.qalam.txt
		n=$RUN/wrk/${PAGE_NAMES[$i]}.nginx.txt
		q_rps=$(wrk_field "$q" rps)
		n_rps=$(wrk_field "$n" rps)
		q_p99=$(wrk_field "$q" p99)
		ratio=$(awk -v q="$q_rps" -v n="$n_rps" 'BEGIN { if (n > 0) printf "%.0f", 100 * q / n; else print 0 }')
		verdict=$(awk -v r="$ratio" -v p="$q_p99" -v mr="$MIN_RATIO" -v mp="$MAX_P99_MS" 'BEGIN {
			v = ""
			if (r + 0 < mr) v = v " ratio<" mr "%"
			if (p == "?" || p + 0 >= mp) v = v " p99>=" mp "ms"
			print (v == "" ? "ok" : "MISS" v)
		}')
		errors=$(($(wrk_field "$q" errors) + $(wrk_field "$n" errors)))
		if ((errors > 0)); then
			verdict="$verdict, $errors errors"
		fi
		others="$(cat "${q%.txt}.others")/$(cat "${n%.txt}.others")"
		printf '%-15s %8s %6sms %10s %10s %5s%% %8sms %8sms %8sms %8sms %6s%%  %s\n' \
			"${PAGE_NAMES[$i]}" "${BYTES[$i]}" "${COLD[$i]}" "$q_rps" "$n_rps" "$ratio" \
			"$(wrk_field "$q" p50)" "$q_p99" "$(wrk_field "$n" p50)" "$(wrk_field "$n" p99)" "$others" "$verdict"
	done
	echo
	mem_verdict=$(awk -v m="$PEAK_RSS" -v max="$MAX_RSS_MB" 'BEGIN { print (m + 0 < max ? "ok" : "MISS") }')
	echo "qalam memory: peak resident (VmHWM) ${PEAK_RSS} MB, resident now (VmRSS) ${END_RSS} MB, idle after start ${IDLE_RSS} MB  [target < ${MAX_RSS_MB} MB: $mem_verdict]"
	echo "nginx memory: peak resident, master and workers together, ${NGINX_RSS} MB"
	echo "cold: time of Qalam's first request for the page, built from the database with an empty page cache (curl, one request)"
	echo "others: share of all CPU time used by other processes during the Qalam/nginx runs (0/0: a quiet machine)"
	echo "targets: ratio >= ${MIN_RATIO}% of nginx, qalam p99 < ${MAX_P99_MS} ms, peak memory < ${MAX_RSS_MB} MB"
	echo "raw wrk output: $RUN/wrk/"
	if [[ $PROFILE == 1 ]]; then
		echo "PROFILE=1: Qalam ran under perf (slower than without); its top symbols per page are in $RUN/perf/"
	fi
} | tee "$RESULTS"
