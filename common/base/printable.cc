#include "common/base/printable.h"

#include <algorithm>

namespace hyperlab {

size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // Allowed range of the second byte.
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  }
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) return 0;
  }
  return length;
}

std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    const auto c = static_cast<unsigned char>(text[i]);
    if (length == 0) {
      out.push_back('?');
      ++i;
    } else if (length == 1 && c == '\r') {
      out.push_back('\n');
      ++i;
    } else if (length == 1 && ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)) {
      out.push_back('?');
      ++i;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  return out;
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string PrintablePrefix(absl::string_view text, size_t max_bytes) {
  std::string out = Printable(text.substr(0, max_bytes + 4));  // A cut sequence becomes '?'s.
  if (out.size() <= max_bytes && text.size() <= max_bytes) return out;
  const size_t keep = max_bytes >= 3 ? max_bytes - 3 : 0;
  size_t cut = std::min(keep, out.size());
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // Not inside a sequence.
  out.resize(cut);
  return out + std::string("...").substr(0, max_bytes - cut);
}

}  // namespace hyperlab
