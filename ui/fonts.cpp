// Fonts through fontconfig, with Dear ImGui's default font as the fallback.
#include "ui/fonts.hpp"

#include <filesystem>

#include <fontconfig/fontconfig.h>
#include <imgui.h>

namespace tl::ui {

std::string find_font_file(const char* pattern) {
    std::string out;
    // The process-wide configuration: loaded once, shared by every lookup (loading it is the slow part).
    FcConfig* config = FcConfigGetCurrent();
    if (!config) return out;
    FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern));
    if (pat) {
        FcConfigSubstitute(config, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult result = FcResultNoMatch;
        if (FcPattern* match = FcFontMatch(config, pat, &result)) {
            FcChar8* file = nullptr;
            // Only TrueType/OpenType files load in Dear ImGui's rasteriser.
            if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file) {
                const std::filesystem::path p(reinterpret_cast<const char*>(file));
                const auto ext = p.extension().string();
                if (ext == ".ttf" || ext == ".otf" || ext == ".TTF") out = p.string();
            }
            FcPatternDestroy(match);
        }
        FcPatternDestroy(pat);
    }
    return out;
}

namespace {
ImFont* add_first(ImFontAtlas& atlas, std::initializer_list<const char*> patterns, float px) {
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x205E, 0x2190, 0x21FF,
                                      0x2500, 0x257F, 0x25A0, 0x25FF, 0};
    for (const char* pat : patterns) {
        const std::string file = find_font_file(pat);
        if (file.empty()) continue;
        ImFontConfig cfg;
        cfg.OversampleH = 2;
        if (ImFont* f = atlas.AddFontFromFileTTF(file.c_str(), px, &cfg, kRanges)) return f;
    }
    return nullptr;
}
}  // namespace

FontAtlas build_fonts(float size_px, float content_scale) {
    FontAtlas out;
    out.atlas = std::make_unique<ImFontAtlas>();
    ImFontAtlas& atlas = *out.atlas;
    AppFonts& fonts = out.fonts;
    fonts.scale = content_scale > 0 ? content_scale : 1.0f;
    const float px = size_px * fonts.scale;
    fonts.ui = add_first(atlas, {"DejaVu Sans:style=Book", "Noto Sans:style=Regular", "sans-serif"}, px);
    if (!fonts.ui) {
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * fonts.scale;
        fonts.ui = atlas.AddFontDefault(&cfg);
    }
    fonts.mono = add_first(atlas, {"DejaVu Sans Mono:style=Book", "Noto Sans Mono:style=Regular", "monospace"}, px);
    if (!fonts.mono) fonts.mono = fonts.ui;
    // Rasterise now (and convert to the RGBA the OpenGL backend uploads), not during the first frame.
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
    return out;
}

}  // namespace tl::ui
