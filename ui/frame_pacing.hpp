// When the desktop loop may sleep until input, and when it must draw at once. Dear ImGui shows the effect of
// input a frame late (a click is seen in one frame, what it changed is drawn in the next), and the App applies
// the actions panels push after the frame that pushed them, so the loop owes a few frames after every wake-up
// and every change before it may wait again. Pure, so it is unit-tested.
#pragma once

#include <algorithm>

namespace tl::ui {

class FramePacing {
public:
    // True when the coming frame may wait for input: nothing animates and no frame is owed.
    [[nodiscard]] bool may_wait(bool animating) const { return !animating && owed_ == 0; }
    // The loop waited and was woken (input, or the heartbeat): draw this frame and the next.
    void woke() { owed_ = std::max(owed_, 2); }
    // A frame was drawn; `changed` when it applied actions, whose result the next frames must show.
    void drew(bool changed) {
        if (owed_ > 0) --owed_;
        if (changed) owed_ = std::max(owed_, 2);
    }
    [[nodiscard]] int owed() const { return owed_; }

private:
    int owed_ = 3;  // the first frames: fonts, layout and the first simulation settle
};

}  // namespace tl::ui
