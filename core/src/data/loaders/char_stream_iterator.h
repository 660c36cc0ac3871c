#pragma once
// Private: the input iterator nlohmann's SAX parser reads a character stream through (JsonTextCursor,
// JsonInput). Loading thread.

#include <cstddef>
#include <iterator>

namespace tokenbench::core::detail {

/// Input iterator over `Stream`, which provides current() (the character under the cursor), next()
/// (moves on) and more() (a character is there). Copies share the stream: nlohmann copies iterators.
template <class Stream>
class CharStreamIterator final {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    CharStreamIterator() = default;
    explicit CharStreamIterator(Stream* stream) : m_stream(stream) {}
    char operator*() const { return m_stream->current(); }
    CharStreamIterator& operator++() {
        m_stream->next();
        return *this;
    }
    bool operator==(const CharStreamIterator& other) const { return atEnd() == other.atEnd(); }
    bool operator!=(const CharStreamIterator& other) const { return !(*this == other); }

private:
    bool atEnd() const { return m_stream == nullptr || !m_stream->more(); }
    Stream* m_stream = nullptr;
};

}  // namespace tokenbench::core::detail
