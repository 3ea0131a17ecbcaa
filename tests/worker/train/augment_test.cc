#include "worker/train/augment.h"

#include <vector>

#include "gtest/gtest.h"

namespace hyperlab::worker::train {
namespace {

// A 1 x 3 x 4 image with pixels 1..12 row by row.
std::vector<float> Image() {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[i] = static_cast<float>(i + 1);
  return v;
}

std::vector<float> Shifted(int dy, int dx, bool flip) {
  std::vector<float> out(12, -1.f);
  ShiftFlip(Image().data(), out.data(), {1, 3, 4}, dy, dx, flip);
  return out;
}

TEST(ShiftFlipTest, KnownAnswers) {
  EXPECT_EQ(Shifted(0, 0, false), Image());
  EXPECT_EQ(Shifted(0, 1, false), (std::vector<float>{0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}));
  EXPECT_EQ(Shifted(0, -2, false), (std::vector<float>{3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0}));
  EXPECT_EQ(Shifted(1, 0, false), (std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(Shifted(-1, 1, false), (std::vector<float>{0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0}));
  EXPECT_EQ(Shifted(0, 0, true), (std::vector<float>{4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9}));
  EXPECT_EQ(Shifted(0, 1, true), (std::vector<float>{0, 4, 3, 2, 0, 8, 7, 6, 0, 12, 11, 10}));
  EXPECT_EQ(Shifted(5, 0, false), std::vector<float>(12, 0.f));  // Shifted out entirely.
  EXPECT_EQ(Shifted(0, -4, true), std::vector<float>(12, 0.f));
}

TEST(ShiftFlipTest, EveryChannelMovesAlike) {
  std::vector<float> two(24);
  for (int i = 0; i < 24; ++i) two[i] = static_cast<float>(i % 12 + 1);
  std::vector<float> out(24);
  ShiftFlip(two.data(), out.data(), {2, 3, 4}, 1, -1, true);
  EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + 12),
            std::vector<float>(out.begin() + 12, out.end()));
  EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + 12), Shifted(1, -1, true));
}

TEST(AugmenterTest, SeededDrawsWithinTheRange) {
  const ImageShape shape{1, 3, 4};
  Augmenter a(shape, 1, true, 42), b(shape, 1, true, 42), other(shape, 1, true, 43);
  const std::vector<float> image = Image();
  int differ = 0, unchanged = 0;
  for (int i = 0; i < 200; ++i) {
    std::vector<float> x(12), y(12), z(12);
    a.Apply(image.data(), x.data());
    b.Apply(image.data(), y.data());
    other.Apply(image.data(), z.data());
    EXPECT_EQ(x, y);  // Same seed, same draws.
    differ += x != z;
    unchanged += x == image;
    // Every result is one of the 3 x 3 x 2 shifts and flips of the image.
    bool found = false;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx)
        for (bool flip : {false, true}) found = found || x == Shifted(dy, dx, flip);
    EXPECT_TRUE(found) << i;
  }
  EXPECT_GT(differ, 100);
  EXPECT_GT(unchanged, 3);  // About 1 in 18.
  EXPECT_LT(unchanged, 30);
  EXPECT_FALSE(Augmenter(shape, 0, false, 1).active());
  EXPECT_TRUE(Augmenter(shape, 0, true, 1).active());
}

}  // namespace
}  // namespace hyperlab::worker::train
