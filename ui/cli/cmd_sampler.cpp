// `tracelab sampler`.
#include <ostream>

#include "ui/cli/cli.hpp"

namespace tl::cli {

int cmd_sampler(const Args& /*args*/, Io io) {
    io.err << "tracelab sampler: not available in this build\n";
    return 1;
}

}  // namespace tl::cli
