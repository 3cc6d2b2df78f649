#!/usr/bin/env bash
# tracelab set-up: installs what is missing (apt-get), builds, and runs the app or the tests.
#   ./setup.sh run [APP ARGS…]     build (Release) and launch the app on the checkout scenario
#   ./setup.sh test [--sanitize]   build with warnings as errors and run the whole test suite
#   ./setup.sh fuzz [SECONDS]      build the libFuzzer targets with clang and run each for SECONDS (default 30)
#   ./setup.sh bench [FILTER]      build Release and run tracelab_bench
#   ./setup.sh frames [N]          frame times of the real window (1280×720, N frames), idle and while receiving
# Safe to run again: packages already present are not reinstalled, builds are incremental.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PACKAGES=(build-essential cmake ninja-build pkg-config libimgui-dev libglfw3-dev libgl-dev nlohmann-json3-dev
          doctest-dev libstb-dev libbenchmark-dev libcurl4-openssl-dev libfontconfig-dev fonts-dejavu-core
          libcpp-httplib-dev libsimdjson-dev libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc libabsl-dev
          zlib1g-dev)
TEST_PACKAGES=(xvfb xauth golang-go)
# Node.js runs the tests' programs against real OpenTelemetry SDKs; a Node.js from elsewhere (with its own npm) is kept.
NODE_PACKAGES=(nodejs npm)
FUZZ_PACKAGES=(clang libclang-rt-dev)

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

jobs() { nproc 2>/dev/null || echo 2; }

configure() {  # configure DIR [cmake args…]
    local dir=$1
    shift
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        install_missing "${PACKAGES[@]}"
        configure build-release -DCMAKE_BUILD_TYPE=Release -DTRACELAB_BUILD_BENCH=OFF
        cmake --build build-release -j "$(jobs)" --target tracelab
        exec ./build-release/ui/tracelab "$@"
        ;;
    test)
        install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        command -v npm >/dev/null || install_missing "${NODE_PACKAGES[@]}"
        if [ "${1:-}" = "--sanitize" ]; then
            dir=build-asan
            configure "$dir" -DCMAKE_BUILD_TYPE=Debug -DTRACELAB_WERROR=ON -DTRACELAB_SANITIZE=ON \
                -DTRACELAB_BUILD_BENCH=OFF
            export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
            export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
            export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
        else
            dir=build
            configure "$dir" -DCMAKE_BUILD_TYPE=Debug -DTRACELAB_WERROR=ON
        fi
        cmake --build "$dir" -j "$(jobs)"
        (cd "$dir" && ctest --output-on-failure)
        ;;
    fuzz)
        install_missing "${PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
        seconds=${1:-30}
        CC=clang CXX=clang++ configure build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRACELAB_FUZZ=ON \
            -DTRACELAB_BUILD_APP=OFF -DTRACELAB_BUILD_BENCH=OFF -DTRACELAB_WERROR=ON
        cmake --build build-fuzz -j "$(jobs)" --target tl_fuzz_all
        for f in build-fuzz/tests/*_fuzz; do
            name=$(basename "$f")
            # Seeds: the loaders start from the shipped files, the importers from the shared corpus.
            seeds=()
            case "$name" in
                scenario_*) seeds=(assets/scenarios) ;;
                lesson_*) seeds=(assets/lessons) ;;
                quiz_*) seeds=(assets/quiz) ;;
                *) [ -d ../shared/corpus ] && seeds=(../shared/corpus) ;;
            esac
            echo "== $name for ${seconds}s"
            mkdir -p "build-fuzz/corpus/$name"
            if ! "$f" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
                "build-fuzz/corpus/$name" "${seeds[@]}" > "build-fuzz/$name.log" 2>&1; then
                tail -n 40 "build-fuzz/$name.log"
                echo "$name found a problem (log: build-fuzz/$name.log)"
                exit 1
            fi
            grep -E "^(Done|#[0-9]+ +DONE)" "build-fuzz/$name.log" | tail -n 1
        done
        ;;
    bench)
        install_missing "${PACKAGES[@]}"
        configure build-release -DCMAKE_BUILD_TYPE=Release -DTRACELAB_BUILD_BENCH=ON
        cmake --build build-release -j "$(jobs)" --target tracelab_bench
        ./build-release/tests/tracelab_bench --benchmark_filter="${1:-.}"
        ;;
    frames)
        # The same window measured twice: idle, then with four senders (tests/js/otlp_load.cjs, started first
        # and stopped after the last frame) posting 1000-span OTLP/JSON requests to it on loopback.
        install_missing "${PACKAGES[@]}" xvfb xauth
        command -v node >/dev/null || install_missing nodejs
        configure build-release -DCMAKE_BUILD_TYPE=Release
        cmake --build build-release -j "$(jobs)" --target tracelab
        n=${1:-1500}
        port=${TRACELAB_FRAMES_PORT:-4399}
        on_display() { if [ -n "${DISPLAY:-}" ]; then "$@"; else xvfb-run -a -s "-screen 0 1920x1080x24" "$@"; fi; }
        echo "idle:"
        on_display ./build-release/ui/tracelab --frame-times "$n" --size 1280x720
        node tests/js/otlp_load.cjs "http://127.0.0.1:$port/v1/traces" 3600 4 &
        load=$!
        trap 'kill -TERM $load 2>/dev/null || true' EXIT
        echo "receiving on port $port (TRACELAB_FRAMES_PORT changes it):"
        on_display ./build-release/ui/tracelab --listen --http "127.0.0.1:$port" --grpc off --frame-times "$n" \
            --size 1280x720
        kill -TERM $load
        wait $load || true
        trap - EXIT
        ;;
    *)
        sed -n '2,8p' "$0"
        exit 2
        ;;
esac
