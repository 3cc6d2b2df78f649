// File chooser: the desktop's own dialog (zenity on GNOME-like desktops, kdialog on KDE) when one is
// installed, run on a worker thread so the window keeps drawing; otherwise an in-app browser of folders and
// files with a name field. Both hand back a full path.
// [SECTION] Requests and the native command line
// [SECTION] Folder listing (the in-app browser's model)
// [SECTION] FileChooser
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/io/json_read.hpp"

namespace tl::ui {

// [SECTION] Requests and the native command line

enum class ChooserMode { Open, Save };

struct ChooserRequest {
    ChooserMode mode = ChooserMode::Open;
    std::string title;                 // the dialog's title ("Open trace or scenario file")
    std::filesystem::path folder;      // where it starts; empty: the current folder
    std::string suggested_name;        // Save: the name field's first value ("scenario.json")
    std::string filter_name;           // "JSON files"
    std::vector<std::string> patterns;  // "*.json"; empty: every file
};

// The command that shows the desktop's dialog for `r`: zenity --file-selection when `has_tool("zenity")`,
// else kdialog --getopenfilename/--getsavefilename; empty when neither is available. The dialog prints the
// chosen path on standard output and exits 0, or exits 1 when cancelled.
std::vector<std::string> native_chooser_command(const ChooserRequest& r,
                                                const std::function<bool(const std::string&)>& has_tool);
// True when an executable of that name is on PATH.
bool tool_on_path(const std::string& name);

// [SECTION] Folder listing

struct FolderEntry {
    std::string name;
    bool folder = false;
    uintmax_t bytes = 0;  // files only
};
// Folders first, then files matching one of `patterns` ("*.json"; empty: all), each sorted by name; names
// starting with '.' are left out. Fails with the folder and the reason when it cannot be read.
Result<std::vector<FolderEntry>> list_folder(const std::filesystem::path& folder,
                                             const std::vector<std::string>& patterns);
// "*.json" style match (only a leading '*' is special), case-insensitive.
bool matches_pattern(const std::string& name, const std::string& pattern);

// [SECTION] FileChooser

class FileChooser {
public:
    FileChooser();
    ~FileChooser();
    FileChooser(const FileChooser&) = delete;
    FileChooser& operator=(const FileChooser&) = delete;

    // Shows a chooser for `r`: the desktop's dialog when allowed and present, else the in-app browser.
    void open(ChooserRequest r);
    // false: never run the desktop's dialog (tests; TRACELAB_FILE_CHOOSER=builtin does the same).
    void allow_native(bool allow) { allow_native_ = allow; }
    // Call once per frame inside a Dear ImGui frame: draws the in-app browser when it is open, polls the
    // desktop's dialog. Returns the chosen full path once, then nothing until the next open().
    std::optional<std::filesystem::path> draw(float scale);
    [[nodiscard]] bool active() const { return state_ != State::Idle; }
    [[nodiscard]] bool native_running() const { return state_ == State::Native; }
    // The in-app browser's folder and name field (tests, and the next open() starts where the last ended).
    [[nodiscard]] const std::filesystem::path& folder() const { return folder_; }

private:
    enum class State { Idle, Native, Builtin };
    struct NativeJob;
    std::optional<std::filesystem::path> draw_builtin(float scale);
    void enter(const std::filesystem::path& folder);

    State state_ = State::Idle;
    bool allow_native_ = true;
    bool open_popup_ = false;
    ChooserRequest request_;
    std::filesystem::path folder_;
    std::string name_;   // the name field
    std::string error_;  // why the folder cannot be listed, or why the name is refused
    std::vector<FolderEntry> entries_;
    std::string path_field_;  // the folder as typed
    std::shared_ptr<NativeJob> job_;
    std::jthread worker_;  // last: joined before the job it writes to goes away
};

}  // namespace tl::ui
