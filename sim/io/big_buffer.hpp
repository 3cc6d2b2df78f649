// BigBuffer: a zero-filled byte buffer for a whole input file or a parse copy of one.
// - Buffers of 2 MiB and up are anonymous mappings advised for transparent huge pages (Linux madvise
//   MADV_HUGEPAGE, honoured when /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always"):
//   filling 40 MB then costs about 20 page faults instead of about 10,000, which is a large share of the
//   time of opening a big trace. Elsewhere, or when the advice is refused, they are ordinary pages.
// - Smaller buffers come from the heap. Move-only; the memory is returned when the buffer dies.
#pragma once

#include <cstddef>

namespace tl {

class BigBuffer {
public:
    BigBuffer() = default;
    // `size` bytes, all zero. Throws std::bad_alloc when the memory cannot be had.
    explicit BigBuffer(size_t size);
    ~BigBuffer();
    BigBuffer(BigBuffer&& other) noexcept;
    BigBuffer& operator=(BigBuffer&& other) noexcept;
    BigBuffer(const BigBuffer&) = delete;
    BigBuffer& operator=(const BigBuffer&) = delete;

    [[nodiscard]] char* data() { return data_; }
    [[nodiscard]] const char* data() const { return data_; }
    [[nodiscard]] size_t size() const { return size_; }

    // Buffers at least this large are mapped (and advised for huge pages) rather than taken from the heap.
    static constexpr size_t kMapFrom = size_t(2) << 20;

private:
    void release();
    char* data_ = nullptr;
    size_t size_ = 0;
    void* mapping_ = nullptr;  // the whole mapping when mapped (data_ lies inside it, 2 MiB aligned)
    size_t mapped_ = 0;
};

}  // namespace tl
