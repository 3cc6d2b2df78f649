#include "sim/io/storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tl {
namespace fs = std::filesystem;

namespace {
fs::path xdg_dir(const char* var, const char* fallback) {
    if (const char* v = std::getenv(var); v && *v && fs::path(v).is_absolute()) return fs::path(v) / "tracelab";
    const char* home = std::getenv("HOME");
    fs::path base = (home && *home) ? fs::path(home) : fs::temp_directory_path();
    return base / fallback / "tracelab";
}
}  // namespace

fs::path config_dir() {
    return xdg_dir("XDG_CONFIG_HOME", ".config");
}
fs::path data_dir() {
    return xdg_dir("XDG_DATA_HOME", ".local/share");
}

std::string atomic_write(const fs::path& path, std::string_view content, ParentFolders folders) {
    std::error_code ec;
    if (path.has_parent_path()) {
        if (folders == ParentFolders::MustExist) {
            if (!fs::is_directory(path.parent_path(), ec))
                return "cannot write " + path.string() + ": there is no folder " + path.parent_path().string();
        } else {
            fs::create_directories(path.parent_path(), ec);
            if (ec) return "cannot create folder " + path.parent_path().string() + ": " + ec.message();
        }
    }
    if (fs::is_directory(path, ec)) return "cannot write " + path.string() + ": it is a folder";
    std::string tmpl = path.string() + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return "cannot write " + path.string() + ": " + std::strerror(errno);
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            std::string err = "cannot write " + path.string() + ": " + std::strerror(errno);
            ::close(fd);
            ::unlink(tmpl.c_str());
            return err;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmpl.c_str());
        return "cannot write " + path.string() + ": " + std::strerror(errno);
    }
    ::chmod(tmpl.c_str(), 0644);
    if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
        std::string err = "cannot replace " + path.string() + ": " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return err;
    }
    return "";
}

fs::path backup_file(const fs::path& path) {
    for (int n = 1; n < 1000; ++n) {
        fs::path b = path;
        b += ".corrupt-" + std::to_string(n);
        std::error_code ec;
        if (fs::exists(b, ec)) continue;
        fs::copy_file(path, b, ec);
        return ec ? fs::path() : b;
    }
    return {};
}

SavedJson load_saved_json(const fs::path& path) {
    SavedJson out;
    std::error_code ec;
    if (!fs::exists(path, ec)) return out;
    std::ifstream in(path, std::ios::binary);
    if (!in || fs::is_directory(path, ec)) {
        out.warning = "cannot read " + path.string() + "; starting with defaults (the file is left as it is)";
        return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto parsed = parse_json_text(ss.str(), path.string());
    if (parsed.ok() && !ss.str().empty()) {
        out.json = std::move(parsed.value());
        return out;
    }
    out.backup = backup_file(path);
    const std::string why = ss.str().empty() ? path.string() + " is empty" : parsed.error();
    out.warning = why + "; " +
                  (out.backup.empty() ? std::string("could not make a backup copy")
                                      : "a copy was kept as " + out.backup.string()) +
                  ", starting fresh";
    return out;
}

}  // namespace tl
