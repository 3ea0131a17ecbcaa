// Fingerprints decide whether one user's trial reuses another user's result, so they are SHA-256 (issue
// 14: the earlier 128-bit hash had two lanes that were not independent). The attack: undo the old
// finalizer on a fingerprint's two halves and the low bits of the lanes always agreed.
#include "coordinator/fingerprint.h"

#include <cstdint>
#include <set>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/testing/branin_spec.h"

namespace hyperlab::coordinator {
namespace {

TEST(FingerprintTest, Sha256HexMatchesTheStandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

v1::Parameter Param(const std::string& name, double value) {
  v1::Parameter p;
  p.set_name(name);
  p.mutable_value()->set_double_value(value);
  return p;
}

google::protobuf::RepeatedPtrField<v1::Parameter> Params(double x1, double x2) {
  google::protobuf::RepeatedPtrField<v1::Parameter> out;
  *out.Add() = Param("x1", x1);
  *out.Add() = Param("x2", x2);
  return out;
}

TEST(FingerprintTest, TrialFingerprintsAreSha256AndSeparateExperiments) {
  const v1::StudySpec spec = testing::BraninSpec("s", 10, 1);
  const std::string a = TrialFingerprint(spec, Params(1, 2));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, TrialFingerprint(spec, Params(1, 2)));
  EXPECT_EQ(a, TrialFingerprint(spec, Params(1.0000000000000004, 2))) << "12 significant digits";
  EXPECT_NE(a, TrialFingerprint(spec, Params(1, 2.5)));
  EXPECT_NE(SpaceFingerprint(spec), TrialFingerprint(spec, {}));
  EXPECT_EQ(SpaceFingerprint(spec).size(), 64u);
}

// The old Hash128 was Avalanche(a) ++ Avalanche(b ^ Avalanche(a)) over two FNV-style lanes a and b whose
// low bits always differed by a constant. Avalanche is invertible, so anyone can recover the lanes from a
// fingerprint; for SHA-256 halves, the recovered "low bits" agree half the time, as for independent bits.
uint64_t InverseXorShift33(uint64_t z) { return z ^ (z >> 33); }
uint64_t InverseOdd(uint64_t m) {  // Multiplicative inverse mod 2^64 (Newton's iteration).
  uint64_t x = m;
  for (int i = 0; i < 6; ++i) x *= 2 - m * x;
  return x;
}
uint64_t InverseAvalanche(uint64_t z) {
  z = InverseXorShift33(z) * InverseOdd(0xC4CEB9FE1A85EC53ULL);
  z = InverseXorShift33(z) * InverseOdd(0xFF51AFD7ED558CCDULL);
  return InverseXorShift33(z);
}

TEST(FingerprintTest, TheTwoHalvesOfAFingerprintAreNotRelatedLanes) {
  const v1::StudySpec spec = testing::BraninSpec("s", 10, 1);
  int agreeing = 0;
  constexpr int kTrials = 2000;
  for (int i = 0; i < kTrials; ++i) {
    const std::string fingerprint = TrialFingerprint(spec, Params(i * 0.37, i % 7));
    uint64_t first = 0, second = 0;
    ASSERT_TRUE(absl::SimpleHexAtoi(fingerprint.substr(0, 16), &first));
    ASSERT_TRUE(absl::SimpleHexAtoi(fingerprint.substr(16, 16), &second));
    const uint64_t a = InverseAvalanche(first);
    const uint64_t b = InverseAvalanche(second) ^ first;
    agreeing += ((a ^ b) & 1) == 0 ? 1 : 0;
  }
  // Independent bits: 1000 +- 22 (one standard deviation); the old hash gave 0 or 2000.
  EXPECT_GT(agreeing, kTrials * 45 / 100);
  EXPECT_LT(agreeing, kTrials * 55 / 100);
}

}  // namespace
}  // namespace hyperlab::coordinator
