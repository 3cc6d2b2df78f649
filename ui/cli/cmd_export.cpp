// `tracelab export`.
#include <ostream>

#include "ui/cli/cli.hpp"

namespace tl::cli {

int cmd_export(const Args& /*args*/, Io io) {
    io.err << "tracelab export: not available in this build\n";
    return 1;
}

}  // namespace tl::cli
