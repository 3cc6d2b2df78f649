// tracelab_bench: Google Benchmark cases for the simulator, analysis, formats, sampling and UI frames.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
