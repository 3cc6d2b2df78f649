// Keyboard shortcuts: the keys the app and the waterfall react to, listed once so the Help window and the
// handlers agree. Letters are matched through compat::char_key_pressed.
#pragma once

#include <span>

#include <imgui.h>

namespace tl::ui {

// Shortcuts act only when the keyboard is free: no text field has it, and no dialog, menu or combo is open
// (a key pressed in a dialog must not change the view behind it).
inline bool shortcuts_allowed() {
    return !ImGui::GetIO().WantTextInput && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId);
}

inline constexpr char kShortcutHelp = 'H';
inline constexpr char kShortcutGhosts = 'G';
inline constexpr char kShortcutExpandAll = 'E';
inline constexpr char kShortcutCollapseAll = 'C';
inline constexpr char kShortcutNextSpan = 'J';
inline constexpr char kShortcutPrevSpan = 'K';
inline constexpr char kShortcutZoomIn = '=';
inline constexpr char kShortcutZoomOut = '-';
inline constexpr char kShortcutResetView = '0';
inline constexpr char kShortcutZoomSelected = 'Z';
inline constexpr char kShortcutFind = 'F';
inline constexpr char kShortcutNextMatch = 'N';
inline constexpr char kShortcutPrevMatch = 'P';
inline constexpr char kShortcutNextError = 'X';
inline constexpr char kShortcutPinBaseline = 'B';

struct Shortcut {
    const char* keys;
    const char* what;
};

inline std::span<const Shortcut> shortcuts() {
    static constexpr Shortcut kList[] = {
        {"Space", "play / pause live traffic"},
        {"J  or  Down", "select the next span"},
        {"K  or  Up", "select the previous span"},
        {"E", "expand every row"},
        {"C", "collapse every row that has children"},
        {"=  /  -", "zoom in / out around the centre"},
        {"Mouse wheel", "zoom around the pointer"},
        {"Left / Right, drag", "pan the waterfall"},
        {"Z", "zoom to the selected span"},
        {"0", "reset zoom to the whole trace"},
        {"G", "show / hide ground-truth ghosts"},
        {"F", "search inside the trace"},
        {"N  /  P", "next / previous search match"},
        {"X", "next span with an error"},
        {"B", "pin what is on screen as the baseline to compare with"},
        {"Ctrl+O", "open a trace or scenario file"},
        {"Ctrl+S", "save the scenario as a file"},
        {"Ctrl+=  /  Ctrl+-", "larger / smaller text (the whole UI scales)"},
        {"Ctrl+0", "text back to 100%"},
        {"Ctrl+Q", "quit"},
        {"H", "show / hide this help"},
    };
    return kList;
}

}  // namespace tl::ui
