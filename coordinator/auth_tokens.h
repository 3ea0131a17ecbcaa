// Bearer tokens and the roles they carry: the contents of hyperlab-coordinator --auth-tokens FILE.
//
// The file has one token per line, `TOKEN ROLE [NAME]`, with ROLE one of read, submit, worker, admin and
// NAME a label for logs (default "token-at-line-N"); blank lines and `#` comments are skipped. A token is
// 16 to 256 printable characters without spaces. Errors name the file and line but never quote a token.
// Lookups compare the candidate with every stored token in constant time (no early exit, no
// length-dependent branch), so response timing tells an attacker nothing about how close a guess was.
//
// Example:
//   ASSIGN_OR_RETURN(TokenStore tokens, TokenStore::Load("/etc/hyperlab/tokens"));
//   absl::StatusOr<Principal> who = tokens.Authenticate(bearer_token);  // UNAUTHENTICATED if unknown
//
// Thread safety: immutable after Load/Parse; safe for concurrent use.
#ifndef HYPERLAB_COORDINATOR_AUTH_TOKENS_H_
#define HYPERLAB_COORDINATOR_AUTH_TOKENS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/rpc/token_length.h"
#include "coordinator/auth_policy.h"

namespace hyperlab::coordinator {

// Who a token says the caller is.
struct Principal {
  Role role = Role::kRead;
  std::string name;
};

class TokenStore {
 public:
  // Reads and parses `path`, a secret file (secret_file.h: FAILED_PRECONDITION when its mode is wider than
  // 0640). NOT_FOUND when it cannot be read; INVALID_ARGUMENT "<path>:<line>: ..." for a malformed line, an
  // unknown role, a duplicate token or a file with no token.
  static absl::StatusOr<TokenStore> Load(const std::string& path);
  // Parses file contents; `source` names the file in errors.
  static absl::StatusOr<TokenStore> Parse(absl::string_view text, absl::string_view source);

  // The principal holding `token`. UNAUTHENTICATED ("unknown token") when none does.
  absl::StatusOr<Principal> Authenticate(absl::string_view token) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string token;
    Principal principal;
  };
  std::vector<Entry> entries_;
};

// True when `a` equals `b`, in time that depends only on kMaxTokenLength (inputs longer than that are
// never equal to a stored token and compare false).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_AUTH_TOKENS_H_
