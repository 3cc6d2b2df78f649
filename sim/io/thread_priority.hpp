// Background threads of an interactive program: lower their scheduling priority, so that the thread that
// draws the window wins the CPU whenever both are ready (Linux: the thread's own nice value, via
// setpriority on its thread id; elsewhere nothing happens).
#pragma once

namespace tl {

// Gives the calling thread nice value kBackgroundNice (the default is 0): the kernel's fair scheduler then
// gives it about a tenth of the CPU time of a nice-0 thread when both want to run, and all of it otherwise.
// Idempotent per thread. Returns false when the system refused (the thread keeps its priority).
bool lower_this_thread_priority();

constexpr int kBackgroundNice = 10;

}  // namespace tl
