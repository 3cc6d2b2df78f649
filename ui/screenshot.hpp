// Screenshots: saves a window's pixels (as read back by glReadPixels, bottom row first) as a PNG.
// The OpenGL read-back lives in main.cpp; this part is GL-free so it is testable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tl::ui {

// Writes RGBA pixels (width*height*4 bytes, bottom row first) as a PNG, flipping rows; "" or an error.
std::string write_png_bottom_up(const std::filesystem::path& path, int width, int height,
                                const std::vector<uint8_t>& rgba);

// True when the pixels are not all one colour (a blank window is a failure worth reporting).
bool has_content(const std::vector<uint8_t>& rgba);

}  // namespace tl::ui
