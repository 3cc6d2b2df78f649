// Background threads of an interactive program: lower their scheduling priority, so that the thread that
// draws the window wins the CPU whenever both are ready (Linux: the thread's own nice value, via
// setpriority on its thread id; elsewhere nothing happens).
#pragma once

namespace tl {

// Gives the calling thread nice value kBackgroundNice (the default is 0): the kernel's fair scheduler then
// gives it about 1.5% of the CPU time of a nice-0 thread when both want to run, and all of it otherwise.
// Under autogroup or a cgroup per session or app (common on desktops) a nice value only ranks threads within
// their own group (sched(7)), so this puts the program's own drawing first without starving the thread against
// the rest of the system. Idempotent per thread. Returns false when the system refused (the thread keeps its
// priority).
bool lower_this_thread_priority();

constexpr int kBackgroundNice = 19;

}  // namespace tl
