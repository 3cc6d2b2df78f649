// The desktop loop's pacing: it may sleep only when nothing animates and no frame is owed.
#include <doctest/doctest.h>

#include "ui/frame_pacing.hpp"

using tl::ui::FramePacing;

namespace {
// Draws frames with no change until the loop may wait; returns how many were drawn.
int frames_until_idle(FramePacing& p) {
    int n = 0;
    while (!p.may_wait(false) && n < 100) {
        p.drew(false);
        ++n;
    }
    return n;
}
}  // namespace

TEST_CASE("frame pacing: the first frames are drawn without waiting") {
    FramePacing p;
    CHECK_FALSE(p.may_wait(false));
    CHECK(frames_until_idle(p) == 3);
    CHECK(p.may_wait(false));
    CHECK_FALSE(p.may_wait(true));  // animating: never wait
}

TEST_CASE("frame pacing: a wake-up draws that frame and the next, then waits again") {
    FramePacing p;
    frames_until_idle(p);
    p.woke();
    p.drew(false);  // the frame that saw the input
    CHECK_FALSE(p.may_wait(false));
    p.drew(false);  // the frame that shows what it did
    CHECK(p.may_wait(false));
}

TEST_CASE("frame pacing: a frame that applied actions owes the frames that show the result") {
    FramePacing p;
    frames_until_idle(p);
    p.woke();
    p.drew(true);  // e.g. a slider moved: the new simulation is applied after this frame
    CHECK(frames_until_idle(p) == 2);
    // A drag: every frame changes something, so the loop never sleeps in between.
    p.woke();
    for (int i = 0; i < 10; ++i) {
        p.drew(true);
        CHECK_FALSE(p.may_wait(false));
    }
}
