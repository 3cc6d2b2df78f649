// PNG writing through stb_image_write (the one translation unit that holds its implementation).
#include "ui/screenshot.hpp"

#include <cstring>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wshadow"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace tl::ui {

std::string write_png_bottom_up(const std::filesystem::path& path, int width, int height,
                                const std::vector<uint8_t>& rgba) {
    if (width <= 0 || height <= 0 || rgba.size() < size_t(width) * size_t(height) * 4)
        return "no pixels to write (" + std::to_string(width) + "x" + std::to_string(height) + ")";
    const size_t stride = size_t(width) * 4;
    std::vector<uint8_t> flipped(stride * size_t(height));
    for (int y = 0; y < height; ++y)
        std::memcpy(flipped.data() + size_t(y) * stride, rgba.data() + size_t(height - 1 - y) * stride, stride);
    for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // the window has no transparency
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (!stbi_write_png(path.string().c_str(), width, height, 4, flipped.data(), int(stride)))
        return "could not write " + path.string();
    return "";
}

bool has_content(const std::vector<uint8_t>& rgba) {
    if (rgba.size() < 8) return false;
    for (size_t i = 4; i + 3 < rgba.size(); i += 4)
        if (std::memcmp(rgba.data(), rgba.data() + i, 3) != 0) return true;
    return false;
}

}  // namespace tl::ui
