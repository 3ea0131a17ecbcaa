#include "coordinator/auth_tokens.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/rpc/secret_file.h"
#include "common/base/status_macros.h"

namespace hyperlab::coordinator {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() > kMaxTokenLength || b.size() > kMaxTokenLength) return false;
  // Compares kMaxTokenLength bytes whatever the lengths are; bytes past the end read as zero.
  volatile unsigned char diff = static_cast<unsigned char>(a.size() ^ b.size());
  for (size_t i = 0; i < kMaxTokenLength; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = diff | static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

absl::StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadSecretFile("--auth-tokens", path));
  return Parse(text, path);
}

absl::StatusOr<TokenStore> TokenStore::Parse(absl::string_view text, absl::string_view source) {
  TokenStore store;
  std::vector<int> lines;  // Line of each entry, for duplicate errors.
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> fields = absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", what));
    };
    if (fields.size() < 2 || fields.size() > 3) {
      return error(absl::StrCat("expected `TOKEN ROLE [NAME]`, got ", fields.size(), " field(s)"));
    }
    const absl::string_view token = fields[0];
    if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength) {
      return error(absl::StrCat("token must be ", kMinTokenLength, " to ", kMaxTokenLength,
                                " characters, got ", token.size()));
    }
    for (char c : token) {
      if (!absl::ascii_isgraph(static_cast<unsigned char>(c)))
        return error("token has a non-printable character");
    }
    absl::StatusOr<Role> role = ParseRole(fields[1]);
    if (!role.ok()) return error(role.status().message());
    for (size_t i = 0; i < store.entries_.size(); ++i) {
      if (ConstantTimeEquals(store.entries_[i].token, token)) {
        return error(absl::StrCat("duplicate token (also line ", lines[i], ")"));
      }
    }
    Entry entry;
    entry.token = std::string(token);
    entry.principal.role = *role;
    entry.principal.name =
        fields.size() == 3 ? std::string(fields[2]) : absl::StrCat("token-at-line-", line_number);
    store.entries_.push_back(std::move(entry));
    lines.push_back(line_number);
  }
  if (store.entries_.empty())
    return absl::InvalidArgumentError(absl::StrCat(source, ": no token in the file"));
  return store;
}

absl::StatusOr<Principal> TokenStore::Authenticate(absl::string_view token) const {
  const Entry* found = nullptr;
  for (const Entry& entry : entries_) {  // No early exit: every entry is compared.
    if (ConstantTimeEquals(entry.token, token) && found == nullptr) found = &entry;
  }
  if (found == nullptr) return absl::UnauthenticatedError("unknown token");
  return found->principal;
}

}  // namespace hyperlab::coordinator
