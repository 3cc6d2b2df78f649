// `tracelab sample`.
#include <ostream>

#include "ui/cli/cli.hpp"

namespace tl::cli {

int cmd_sample(const Args& /*args*/, Io io) {
    io.err << "tracelab sample: not available in this build\n";
    return 1;
}

}  // namespace tl::cli
