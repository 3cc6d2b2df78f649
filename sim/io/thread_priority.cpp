#include "sim/io/thread_priority.hpp"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tl {

bool lower_this_thread_priority() {
    thread_local int result = -1;  // -1: not tried yet, 0: refused, 1: done
    if (result >= 0) return result == 1;
#if defined(__linux__)
    // On Linux a nice value belongs to the thread: PRIO_PROCESS with a thread id sets that thread's alone.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    result = setpriority(PRIO_PROCESS, tid, kBackgroundNice) == 0 ? 1 : 0;
#else
    result = 0;
#endif
    return result == 1;
}

}  // namespace tl
