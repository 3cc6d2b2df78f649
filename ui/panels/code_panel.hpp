// Code panel: the handler code behind the selected service or span, in Go or JavaScript, as the code generator
// (sim/codegen) writes it. Lines that differ from the healthy program are marked with a one-line why; clicking a
// hop line or a service's SDK line offers its alternatives and applies them with the service editor's Actions.
// File > Export as program… writes the whole program (the dialog lives here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/codegen/codegen.hpp"

namespace tl::ui {

// Asks the code panel to open its "Export as program" dialog (File menu): bump `count` through a Custom action.
struct ProgramExportRequest {
    uint64_t count = 0;
};

// One coloured run of a line of code.
struct CodeToken {
    enum class Kind : uint8_t { Plain, Keyword, String, Number, Comment, Call };
    size_t begin = 0, end = 0;  // byte offsets in the line
    Kind kind = Kind::Plain;
};
// Splits a line of Go or JavaScript into runs for syntax colouring (comments, strings, numbers, keywords, calls).
std::vector<CodeToken> tokenize_code_line(const std::string& line, codegen::Language lang);

}  // namespace tl::ui
