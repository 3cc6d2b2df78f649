#include "sim/trace/trace_store.hpp"

#include <charconv>
#include <cstring>
#include <utility>
#include <cstdio>

namespace tl {

StringPool::StringPool() {
    intern("");
}

StringPool::StringPool(const StringPool& other) {
    *this = other;
}

StringPool& StringPool::operator=(const StringPool& other) {
    if (this == &other) return *this;
    blocks_.clear();
    free_ = nullptr;
    free_bytes_ = 0;
    views_.clear();
    index_.clear();
    views_.reserve(other.views_.size());
    index_.reserve(other.views_.size());
    for (auto v : other.views_) {
        views_.push_back(store(v));
        index_.emplace(views_.back(), static_cast<StrId>(views_.size() - 1));
    }
    return *this;
}

StringPool& StringPool::operator=(StringPool&& other) noexcept {
    if (this == &other) return *this;
    blocks_ = std::move(other.blocks_);
    free_ = std::exchange(other.free_, nullptr);
    free_bytes_ = std::exchange(other.free_bytes_, 0);
    views_ = std::move(other.views_);
    index_ = std::move(other.index_);
    other.blocks_.clear();
    other.views_.assign(1, std::string_view());  // id 0 is still ""
    other.index_.clear();
    other.index_.emplace(std::string_view(), 0);
    return *this;
}

std::string_view StringPool::store(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > kBlockBytes / 4) {  // a long string gets its own block, so blocks are not left half empty
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(s.size()));
        std::memcpy(blocks_.back().get(), s.data(), s.size());
        return {blocks_.back().get(), s.size()};  // free_ still points into the block being filled
    }
    if (s.size() > free_bytes_) {
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
        free_ = blocks_.back().get();
        free_bytes_ = kBlockBytes;
    }
    std::memcpy(free_, s.data(), s.size());
    const std::string_view stored(free_, s.size());
    free_ += s.size();
    free_bytes_ -= s.size();
    return stored;
}

StrId StringPool::intern(std::string_view s) {
    if (auto it = index_.find(s); it != index_.end()) return it->second;
    const auto id = static_cast<StrId>(views_.size());
    views_.push_back(store(s));
    index_.emplace(views_.back(), id);
    return id;
}

bool StringPool::find(std::string_view s, StrId* out) const {
    auto it = index_.find(s);
    if (it == index_.end()) return false;
    *out = it->second;
    return true;
}

const char* to_string(SpanKind k) {
    switch (k) {
        case SpanKind::Unspecified:
            return "unspecified";
        case SpanKind::Internal:
            return "internal";
        case SpanKind::Server:
            return "server";
        case SpanKind::Client:
            return "client";
        case SpanKind::Producer:
            return "producer";
        case SpanKind::Consumer:
            return "consumer";
    }
    return "unspecified";
}

const char* to_string(StatusCode c) {
    switch (c) {
        case StatusCode::Unset:
            return "unset";
        case StatusCode::Ok:
            return "ok";
        case StatusCode::Error:
            return "error";
    }
    return "unset";
}

void TraceStore::clear() {
    spans.clear();
    attributes.clear();
    events.clear();
    links.clear();
    resources.clear();
}

const AttrValue* TraceStore::find_attr(const Span& s, std::string_view key) const {
    StrId k = 0;
    if (!strings.find(key, &k)) return nullptr;
    for (const auto& a : attrs(s.attrs))
        if (a.key == k) return &a.value;
    return nullptr;
}

std::string TraceStore::value_text(const AttrValue& v) const {
    switch (v.type) {
        case ValueType::Empty:
            return "";
        case ValueType::Bool:
            return v.b ? "true" : "false";
        case ValueType::Int:
            return std::to_string(v.i);
        case ValueType::Double: {
            char buf[64];
            auto r = std::to_chars(buf, buf + sizeof buf, v.d);
            return std::string(buf, r.ptr);
        }
        case ValueType::String:
        case ValueType::Bytes:
        case ValueType::Array:
        case ValueType::KvList:
            return std::string(str(v.s));
    }
    return "";
}

uint32_t TraceStore::resource_for(StrId service) {
    for (uint32_t i = 0; i < resources.size(); ++i)
        if (resources[i].service == service) return i;
    resources.push_back(Resource{service, {}});
    return static_cast<uint32_t>(resources.size() - 1);
}

}  // namespace tl
