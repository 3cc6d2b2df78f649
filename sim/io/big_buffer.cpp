#include "sim/io/big_buffer.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tl {

BigBuffer::BigBuffer(size_t size) : size_(size) {
#if defined(__linux__)
    if (size >= kMapFrom) {
        // Map 2 MiB more than asked, so that the data can start on a 2 MiB boundary: a huge page can only
        // back an aligned 2 MiB stretch.
        constexpr size_t kHuge = size_t(2) << 20;
        mapped_ = size + kHuge;
        void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        mapping_ = p;
        const auto base = reinterpret_cast<uintptr_t>(p);
        const uintptr_t aligned = (base + kHuge - 1) & ~(uintptr_t(kHuge) - 1);
        data_ = reinterpret_cast<char*>(aligned);
        (void)madvise(data_, size, MADV_HUGEPAGE);  // advice only: refused on kernels without THP
        return;
    }
#endif
    if (size == 0) return;
    data_ = static_cast<char*>(std::calloc(size, 1));
    if (data_ == nullptr) throw std::bad_alloc();
}

BigBuffer::~BigBuffer() {
    release();
}

BigBuffer::BigBuffer(BigBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      mapped_(std::exchange(other.mapped_, 0)) {}

BigBuffer& BigBuffer::operator=(BigBuffer&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        mapping_ = std::exchange(other.mapping_, nullptr);
        mapped_ = std::exchange(other.mapped_, 0);
    }
    return *this;
}

void BigBuffer::release() {
#if defined(__linux__)
    if (mapping_ != nullptr) {
        munmap(mapping_, mapped_);
        mapping_ = nullptr;
        data_ = nullptr;
        return;
    }
#endif
    std::free(data_);
    data_ = nullptr;
}

}  // namespace tl
