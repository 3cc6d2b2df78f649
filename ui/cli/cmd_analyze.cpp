// `tracelab analyze`.
#include <ostream>

#include "ui/cli/cli.hpp"

namespace tl::cli {

int cmd_analyze(const Args& /*args*/, Io io) {
    io.err << "tracelab analyze: not available in this build\n";
    return 1;
}

}  // namespace tl::cli
