// `tracelab traceparent`.
#include <ostream>

#include "ui/cli/cli.hpp"

namespace tl::cli {

int cmd_traceparent(const Args& /*args*/, Io io) {
    io.err << "tracelab traceparent: not available in this build\n";
    return 1;
}

}  // namespace tl::cli
