// File chooser: the desktop's dialog on a worker thread, or the in-app browser.
// [SECTION] Native command line
// [SECTION] Folder listing
// [SECTION] FileChooser: native job
// [SECTION] FileChooser: in-app browser
#include "ui/file_chooser.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/imgui_compat.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {
namespace fs = std::filesystem;

// [SECTION] Native command line

bool tool_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::string p(path);
    size_t start = 0;
    while (start <= p.size()) {
        const size_t end = std::min(p.find(':', start), p.size());
        const fs::path dir = p.substr(start, end - start);
        if (!dir.empty() && ::access((dir / name).c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::vector<std::string> native_chooser_command(const ChooserRequest& r,
                                                const std::function<bool(const std::string&)>& has_tool) {
    const fs::path start = r.folder.empty() ? fs::current_path() : r.folder;
    const bool save = r.mode == ChooserMode::Save;
    // Both tools take a start path; for Save it includes the suggested name.
    const std::string start_path = (save && !r.suggested_name.empty() ? start / r.suggested_name : start / "").string();
    std::string globs;
    for (const auto& p : r.patterns) globs += (globs.empty() ? "" : " ") + p;
    if (has_tool("zenity")) {
        std::vector<std::string> cmd = {"zenity", "--file-selection", "--title=" + r.title,
                                        "--filename=" + start_path};
        if (save) {
            cmd.push_back("--save");
            cmd.push_back("--confirm-overwrite");
        }
        if (!globs.empty()) {
            cmd.push_back("--file-filter=" + (r.filter_name.empty() ? globs : r.filter_name) + " | " + globs);
            cmd.push_back("--file-filter=All files | *");
        }
        return cmd;
    }
    if (has_tool("kdialog")) {
        std::vector<std::string> cmd = {"kdialog", "--title", r.title,
                                        save ? "--getsavefilename" : "--getopenfilename", start_path};
        if (!globs.empty()) cmd.push_back(globs + (r.filter_name.empty() ? "" : "|" + r.filter_name));
        return cmd;
    }
    return {};
}

// [SECTION] Folder listing

bool matches_pattern(const std::string& name, const std::string& pattern) {
    if (pattern.empty() || pattern == "*") return true;
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return s;
    };
    const std::string n = lower(name), p = lower(pattern);
    if (p[0] == '*') return n.size() >= p.size() - 1 && n.compare(n.size() - (p.size() - 1), p.size() - 1, p, 1) == 0;
    return n == p;
}

Result<std::vector<FolderEntry>> list_folder(const fs::path& folder, const std::vector<std::string>& patterns) {
    using R = Result<std::vector<FolderEntry>>;
    std::error_code ec;
    fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec) return R::failure("cannot list " + folder.string() + ": " + ec.message());
    std::vector<FolderEntry> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code e2;
        FolderEntry e{name, it->is_directory(e2), 0};
        if (!e.folder) {
            bool keep = patterns.empty();
            for (const auto& p : patterns) keep = keep || matches_pattern(name, p);
            if (!keep) continue;
            e.bytes = it->file_size(e2);
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const FolderEntry& a, const FolderEntry& b) {
        return a.folder != b.folder ? a.folder : a.name < b.name;
    });
    return out;
}

// [SECTION] FileChooser: native job

struct FileChooser::NativeJob {
    std::atomic<bool> done{false};
    int exit_code = -1;  // written by the worker before `done`
    std::string output;
};

namespace {
std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}
}  // namespace

FileChooser::FileChooser() {
    if (const char* env = std::getenv("TRACELAB_FILE_CHOOSER"); env && std::string(env) == "builtin")
        allow_native_ = false;
}

FileChooser::~FileChooser() = default;

void FileChooser::open(ChooserRequest r) {
    if (state_ == State::Native) return;  // the desktop's dialog is still up
    request_ = std::move(r);
    std::error_code ec;
    fs::path start = request_.folder;
    if (start.empty()) start = folder_.empty() ? fs::current_path(ec) : folder_;
    name_ = request_.mode == ChooserMode::Save ? request_.suggested_name : std::string();
    error_.clear();
    const bool display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    const auto cmd = allow_native_ && display ? native_chooser_command(request_, tool_on_path)
                                              : std::vector<std::string>{};
    if (!cmd.empty()) {
        state_ = State::Native;
        auto job = std::make_shared<NativeJob>();
        job_ = job;
        std::string line;
        for (const auto& a : cmd) line += (line.empty() ? "" : " ") + shell_quote(a);
        worker_ = std::jthread([job, line] {
            if (FILE* p = popen((line + " 2>/dev/null").c_str(), "r")) {
                char buf[4096];
                while (std::fgets(buf, sizeof buf, p)) job->output += buf;
                const int status = pclose(p);
                job->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            job->done.store(true, std::memory_order_release);
        });
        folder_ = start;
        return;
    }
    state_ = State::Builtin;
    open_popup_ = true;
    enter(start);
}

void FileChooser::enter(const fs::path& folder) {
    std::error_code ec;
    fs::path f = fs::weakly_canonical(folder, ec);
    if (ec) f = folder;
    auto listed = list_folder(f, request_.patterns);
    if (!listed) {
        error_ = listed.error();
        return;  // stay where we were
    }
    folder_ = f;
    path_field_ = f.string();
    entries_ = std::move(*listed);
    error_.clear();
}

std::optional<fs::path> FileChooser::draw(float scale) {
    if (state_ == State::Native) {
        if (!job_ || !job_->done.load(std::memory_order_acquire)) return std::nullopt;
        const int exit_code = job_->exit_code;
        std::string out = job_->output;
        job_.reset();
        state_ = State::Idle;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        if (exit_code == 0 && !out.empty()) {
            folder_ = fs::path(out).parent_path();
            return fs::path(out);
        }
        // Cancelled (exit 1) gives nothing; a dialog that could not start falls back to the in-app browser.
        if (exit_code != 1) {
            state_ = State::Builtin;
            open_popup_ = true;
            enter(folder_);
        }
        return std::nullopt;
    }
    if (state_ == State::Builtin) return draw_builtin(scale);
    return std::nullopt;
}

// [SECTION] FileChooser: in-app browser

std::optional<fs::path> FileChooser::draw_builtin(float scale) {
    const char* kId = "##file-chooser";
    const std::string title = (request_.title.empty() ? std::string("Choose a file") : request_.title) + kId;
    if (open_popup_) {
        ImGui::OpenPopup(title.c_str());
        open_popup_ = false;
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(640.0f * scale, vp->Size.x - 40.0f),
                                    std::min(460.0f * scale, vp->Size.y - 40.0f)),
                             ImGuiCond_Appearing);
    bool keep_open = true;
    if (!ImGui::BeginPopupModal(title.c_str(), &keep_open)) {
        if (!keep_open || !ImGui::IsPopupOpen(title.c_str())) state_ = State::Idle;
        return std::nullopt;
    }
    std::optional<fs::path> chosen;
    // Folder row: up, the path (type and press Enter to go there), home.
    if (ImGui::Button("Up")) enter(folder_.parent_path());
    probe_item("chooser:up");
    ImGui::SameLine();
    const float home_w = ImGui::CalcTextSize("Home").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(-(home_w + ImGui::GetStyle().ItemSpacing.x));
    if (ImGui::InputText("##chooser-folder", &path_field_, ImGuiInputTextFlags_EnterReturnsTrue)) enter(path_field_);
    probe_item("chooser:folder");
    ImGui::SameLine();
    if (ImGui::Button("Home"))
        if (const char* home = std::getenv("HOME")) enter(home);
    // The listing fills what the name row and buttons leave.
    const float rows_below = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing() * 2;
    ImGui::BeginChild("##chooser-list", ImVec2(0, -rows_below), true);
    std::optional<fs::path> go;
    for (const FolderEntry& e : entries_) {
        const std::string label = (e.folder ? "[folder] " + e.name + "/" : e.name) + "##" + e.name;
        const bool selected = !e.folder && e.name == name_;
        if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick)) {
            if (e.folder) {
                go = folder_ / e.name;
            } else {
                name_ = e.name;
                if (ImGui::IsMouseDoubleClicked(0)) chosen = folder_ / e.name;
            }
        }
        probe_item("chooser:entry:" + e.name);
    }
    if (entries_.empty()) ImGui::TextDisabled("(no folders or matching files here)");
    ImGui::EndChild();
    if (go) enter(*go);
    // The name, what is shown, and the buttons.
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool enter_pressed =
        ImGui::InputTextWithHint("##chooser-name", "file name", &name_, ImGuiInputTextFlags_EnterReturnsTrue);
    probe_item("chooser:name");
    if (!error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
        ImGui::TextWrapped("%s", error_.c_str());
        ImGui::PopStyleColor();
    } else {
        std::string filter;
        for (const auto& p : request_.patterns) filter += (filter.empty() ? "" : ", ") + p;
        ImGui::TextDisabled("%s", filter.empty() ? "All files" : ("Showing folders and " + filter).c_str());
    }
    const bool save = request_.mode == ChooserMode::Save;
    if (ImGui::Button(save ? "Save" : "Open") || enter_pressed) {
        if (name_.empty()) {
            error_ = save ? "Type a file name." : "Choose a file.";
        } else {
            const fs::path p = fs::path(name_).is_absolute() ? fs::path(name_) : folder_ / name_;
            std::error_code ec;
            if (!save && !fs::is_regular_file(p, ec))
                error_ = "There is no file " + p.string();
            else if (save && !fs::is_directory(p.parent_path(), ec))
                error_ = "There is no folder " + p.parent_path().string();
            else
                chosen = p;
        }
    }
    probe_item("chooser:ok");
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || compat::key_pressed(ImGuiKey_Escape, false)) {
        ImGui::CloseCurrentPopup();
        state_ = State::Idle;
    }
    probe_item("chooser:cancel");
    if (chosen) {
        ImGui::CloseCurrentPopup();
        state_ = State::Idle;
    }
    ImGui::EndPopup();
    return chosen;
}

}  // namespace tl::ui
