#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "worker/train/csv_reader.h"
#include "worker/train/data_cache.h"
#include "worker/train/data_file_reader.h"
#include "worker/train/dataset.h"
#include "worker/train/idx_reader.h"
#include "worker/train/prepared_data.h"
#include "common/base/sha256.h"
#include "worker/train/synthetic_data.h"

namespace hyperlab::worker::train {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string TempPath(const std::string& name) {
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');  // Parameterised tests: "Name/Plain".
  return ::testing::TempDir() + "/" + test + "_" + name;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
}

std::vector<uint8_t> Idx(int dims, std::vector<uint32_t> shape, std::vector<uint8_t> data) {
  std::vector<uint8_t> out = {0, 0, 8, static_cast<uint8_t>(dims)};
  for (uint32_t d : shape) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(d >> s));
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

TEST(Sha256Test, KnownVectors) {
  Sha256 empty;
  EXPECT_EQ(empty.HexDigest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.Update("abc", 3);
  EXPECT_EQ(abc.HexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 two_blocks;
  const std::string s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  two_blocks.Update(s.data(), 10);
  two_blocks.Update(s.data() + 10, s.size() - 10);
  EXPECT_EQ(two_blocks.HexDigest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;  // FIPS 180-2's long vector, in uneven pieces.
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.Update(a.data(), a.size());
  EXPECT_EQ(million.HexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

class IdxTest : public ::testing::TestWithParam<bool> {};

TEST_P(IdxTest, ReadsImagesAndLabels) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  WriteBytes(images, Idx(3, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255}), GetParam());
  WriteBytes(labels, Idx(1, {2}, {4, 1}), GetParam());
  absl::StatusOr<Examples> e = ReadIdxPair(images, labels);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->rows, 2);
  EXPECT_EQ(e->cols, 6);
  EXPECT_EQ(e->row(1)[5], 255.f);
  EXPECT_EQ(e->y, (std::vector<float>{4, 1}));
  ImageShape shape;
  ASSERT_TRUE(ReadIdxPair(images, labels, &shape).ok());
  EXPECT_EQ(shape.channels, 1);
  EXPECT_EQ(shape.height, 2);
  EXPECT_EQ(shape.width, 3);
}

TEST_P(IdxTest, ImageShapeReachesThePreparedSplitsAndMustAgree) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  const std::string test_images = TempPath("test_images"), test_labels = TempPath("test_labels");
  std::vector<uint8_t> pixels(10 * 6);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i);
  WriteBytes(images, Idx(3, {10, 2, 3}, pixels), GetParam());
  WriteBytes(labels, Idx(1, {10}, {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}), GetParam());
  WriteBytes(test_images, Idx(3, {1, 2, 3}, {1, 2, 3, 4, 5, 6}), GetParam());
  WriteBytes(test_labels, Idx(1, {1}, {1}), GetParam());
  v1::TrainData data;
  data.set_train_images(images);
  data.set_train_labels(labels);
  data.set_test_images(test_images);
  data.set_test_labels(test_labels);
  data.set_dev_fraction(0.2);
  absl::StatusOr<SourceData> source = LoadSource(data);
  ASSERT_TRUE(source.ok()) << source.status();
  absl::StatusOr<PreparedData> prepared = PrepareData(*source, data, 0);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(prepared->image.channels, 1);
  EXPECT_EQ(prepared->image.height, 2);
  EXPECT_EQ(prepared->image.width, 3);
  // Same pixel count, other shape: inconsistent.
  WriteBytes(test_images, Idx(3, {1, 3, 2}, {1, 2, 3, 4, 5, 6}), GetParam());
  absl::Status s = LoadSource(data).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(test_images + ": images of 3x2 pixels"));
  // Non-image sources have no shape.
  v1::TrainData moons;
  moons.set_synthetic("moons");
  EXPECT_FALSE(LoadSource(moons)->image.known());
}

TEST_P(IdxTest, TruncatedFileIsDataLossNamingIt) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  WriteBytes(images, Idx(3, {2, 2, 3}, {1, 2, 3, 4, 5}), GetParam());
  WriteBytes(labels, Idx(1, {2}, {4, 1}), GetParam());
  absl::Status s = ReadIdxPair(images, labels).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(images + ": truncated: expected 12 bytes of data, got 5"));
}

INSTANTIATE_TEST_SUITE_P(Compression, IdxTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Gzip" : "Plain"; });

// Issue 14 #9: a 16-byte image file whose dimensions multiply to 2^64 (0 after overflow) passed the
// header check, and preparing its splits threw std::length_error (16 x 2^60 floats), which aborted the
// worker.
TEST(IdxErrorsTest, HeaderDimensionsThatOverflowAreRefused) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  WriteBytes(images, Idx(3, {16, 1u << 30, 1u << 30}, {}), false);  // 16 bytes.
  WriteBytes(labels, Idx(1, {16}, std::vector<uint8_t>(16, 1)), false);
  v1::TrainData data;
  data.set_train_images(images);
  data.set_train_labels(labels);
  absl::Status s = LoadSource(data).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(),
              HasSubstr(images + ": the header's dimensions 16 x 1073741824 x 1073741824 make "
                                 "more than 2^64 bytes of data, over the limit max_data_file_bytes"));
  // Within 64 bits but over the limit: refused before anything is allocated or read.
  WriteBytes(images, Idx(3, {60000, 60000, 60000}, {}), true);
  EXPECT_EQ(ReadIdxPair(images, labels).status().code(), absl::StatusCode::kResourceExhausted);
  // An empty dimension and an image side over the cap.
  WriteBytes(images, Idx(3, {0, 28, 28}, {}), false);
  EXPECT_THAT(ReadIdxPair(images, labels).status().message(),
              HasSubstr(images + ": dimension 1 of 0 x 28 x 28 is empty"));
  WriteBytes(images, Idx(3, {1, 1, 100000}, std::vector<uint8_t>(100000)), false);
  EXPECT_THAT(ReadIdxPair(images, labels).status().message(), HasSubstr("a side over 65536 pixels"));
}

// A file longer than its header says is refused after one extra byte, not read to its end.
TEST(IdxErrorsTest, TrailingDataIsRefused) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  std::vector<uint8_t> bytes = Idx(3, {1, 1, 1}, {7});
  bytes.resize(bytes.size() + (16 << 20));  // 16 MiB of zeros after the one pixel: a small gzip bomb.
  WriteBytes(images, bytes, true);
  WriteBytes(labels, Idx(1, {1}, {0}), false);
  absl::Status s = ReadIdxPair(images, labels).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(images + ": too long: more than the 1 bytes of data its header says"));
}

// Issue 14 #11: IDX errors printed the file's first bytes (the magic number). A worker-local secret read as
// IDX yields no byte of it.
TEST(IdxErrorsTest, ErrorsDoNotQuoteFileBytes) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  const std::string secret = "SECRETtoken-0123456789";
  std::ofstream(images) << secret;
  WriteBytes(labels, Idx(1, {1}, {0}), false);
  absl::Status s = ReadIdxPair(images, labels).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(images + ": not an IDX file of 3-dimensional unsigned bytes"));
  EXPECT_THAT(s.message(), Not(HasSubstr("5345")));  // "SE" in hex.
  EXPECT_THAT(s.message(), Not(HasSubstr("SECRET")));
}

TEST(IdxErrorsTest, MissingInconsistentAndWrongMagic) {
  const std::string images = TempPath("images"), labels = TempPath("labels");
  std::remove(images.c_str());
  EXPECT_EQ(ReadIdxPair(images, labels).status().code(), absl::StatusCode::kNotFound);
  WriteBytes(images, Idx(3, {2, 1, 1}, {1, 2}), false);
  WriteBytes(labels, Idx(1, {3}, {0, 1, 2}), false);
  absl::Status s = ReadIdxPair(images, labels).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("has 2 images but " + labels + " has 3 labels"));
  WriteBytes(labels, Idx(3, {2, 1, 1}, {1, 2}), false);
  EXPECT_THAT(ReadIdxPair(images, labels).status().message(), HasSubstr(labels + ": not an IDX file"));
}

TEST(CsvTest, ClassificationWithNamedLabelColumn) {
  const std::string path = TempPath("data.csv");
  std::ofstream(path) << "a,kind,b\n1,cat,2\n3,dog,4\n5,cat,6.5\n";
  absl::StatusOr<CsvData> d = ReadCsv(path, "kind", false);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->examples.rows, 3);
  EXPECT_EQ(d->examples.cols, 2);
  EXPECT_EQ(d->examples.x, (std::vector<float>{1, 2, 3, 4, 5, 6.5}));
  EXPECT_EQ(d->examples.y, (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(d->class_names, (std::vector<std::string>{"cat", "dog"}));
}

TEST(CsvTest, RegressionAndErrors) {
  const std::string path = TempPath("data.csv");
  std::ofstream(path) << "x,y\n1,2.5\n2,4.5\n";
  absl::StatusOr<CsvData> d = ReadCsv(path, "", true);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->examples.y, (std::vector<float>{2.5, 4.5}));
  std::ofstream(path) << "x,y\n1,2\nfoo,3\n";
  EXPECT_THAT(ReadCsv(path, "", true).status().message(),
              HasSubstr(path + ":3:1: a feature is not a number"));
  std::ofstream(path) << "x,y\n1,2,3\n";
  EXPECT_THAT(ReadCsv(path, "", true).status().message(), HasSubstr(path + ":2: 3 fields"));
  EXPECT_THAT(ReadCsv(path, "label", true).status().message(),
              HasSubstr(":1: no column named by data.label_column ('label') in the header"));
  EXPECT_EQ(ReadCsv(TempPath("missing.csv"), "", true).status().code(), absl::StatusCode::kNotFound);
}

// Issue 14 #11: a CSV error quoted a cell of a worker-local secret file in the trial's reason. Errors name
// the file, line and column and what is wrong, never a cell or a header name.
TEST(CsvTest, ErrorsNameLineAndColumnWithoutQuotingTheFile) {
  const std::string path = TempPath("secret.csv");
  std::ofstream(path) << "secret_header_name,label\nhunter2-secret-cell,1\n";
  absl::Status s = ReadCsv(path, "label", false).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(path + ":2:1: a feature is not a number"));
  EXPECT_THAT(s.message(), Not(HasSubstr("hunter2")));
  s = ReadCsv(path, "", true).status();
  EXPECT_THAT(s.message(), HasSubstr(path + ":2:1: a feature is not a number"));
  EXPECT_THAT(s.message(), Not(HasSubstr("hunter2")));
  std::ofstream(path) << "secret_header_name,label\n1,hunter2-secret-label\n";
  s = ReadCsv(path, "", true).status();  // Regression: the label must be a number.
  EXPECT_THAT(s.message(), HasSubstr(path + ":2:2: the label is not a number"));
  EXPECT_THAT(s.message(), Not(HasSubstr("hunter2")));
  s = ReadCsv(path, "no_such_column", false).status();
  EXPECT_THAT(s.message(), Not(HasSubstr("secret_header_name")));
  EXPECT_THAT(s.message(), Not(HasSubstr("hunter2")));
}

// Issue 14 #11: "cannot open" was an existence oracle. A missing file, a directory, a FIFO and a device
// get one message and one code, and none is read.
TEST(DataFileTest, MissingDirectoryFifoAndDeviceGiveOneMessage) {
  const std::string dir = TempPath("a_directory");
  mkdir(dir.c_str(), 0700);
  const std::string fifo = TempPath("a_fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string missing = TempPath("missing");
  std::remove(missing.c_str());
  for (const std::string& path : {missing, dir, fifo, std::string("/dev/zero"), std::string("/dev/null")}) {
    const std::string expected = path + ": cannot read (it is missing, unreadable or not a regular file)";
    absl::Status csv = ReadCsv(path, "", true).status();
    EXPECT_EQ(csv.code(), absl::StatusCode::kNotFound) << path;
    EXPECT_EQ(csv.message(), expected);
    absl::Status idx = ReadIdxPair(path, path).status();
    EXPECT_EQ(idx.code(), absl::StatusCode::kNotFound) << path;
    EXPECT_EQ(idx.message(), expected);
    v1::TrainData data;
    data.set_csv(path);
    EXPECT_EQ(DataFilesDigest(data).status().message(), expected);
  }
}

// Issue 14 #10: a gzip bomb was decompressed without a cap (the worker aborted on bad_alloc). Reading
// stops one byte past max_data_file_bytes.
TEST(DataFileTest, GzipBombStopsAtTheLimit) {
  const std::string path = TempPath("bomb.csv.gz");
  std::vector<uint8_t> rows;
  const std::string header = "x,y\n";
  rows.insert(rows.end(), header.begin(), header.end());
  rows.resize(32 << 20, '\n');  // 32 MiB of blank lines: about 32 KiB compressed.
  WriteBytes(path, rows, /*gzip=*/true);
  absl::Status s = ReadCsv(path, "", true, DataLimits{.max_file_bytes = 1 << 20}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr(path + ": more than 1048576 bytes (decompressed), over the limit "
                                            "max_data_file_bytes = 1048576"));
}

// An endless or very long file is cut at the limit too.
TEST(DataFileTest, ReaderReadsExactlyTheLimitAndNoMore) {
  const std::string path = TempPath("exact");
  WriteBytes(path, std::vector<uint8_t>(1000, 'a'), /*gzip=*/false);
  absl::StatusOr<DataFileReader> at = DataFileReader::Open(path, {.max_file_bytes = 1000});
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->ReadAll()->size(), 1000u);
  absl::StatusOr<DataFileReader> under = DataFileReader::Open(path, {.max_file_bytes = 999});
  ASSERT_TRUE(under.ok());
  EXPECT_EQ(under->ReadAll().status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(SyntheticTest, EverySetHasItsShapeAndIsDeterministic) {
  for (const std::string name : {"spiral", "moons", "circles", "xor", "blobs"}) {
    absl::StatusOr<Examples> a = MakeSyntheticSet(name, 300, 0.1, 3, 7);
    ASSERT_TRUE(a.ok()) << name;
    EXPECT_EQ(a->rows, 300);
    EXPECT_EQ(a->cols, 2);
    std::set<float> labels(a->y.begin(), a->y.end());
    EXPECT_EQ(labels.size(), name == "spiral" || name == "blobs" ? 3u : 2u) << name;
    EXPECT_EQ(MakeSyntheticSet(name, 300, 0.1, 3, 7)->x, a->x) << name;
    EXPECT_NE(MakeSyntheticSet(name, 300, 0.1, 3, 8)->x, a->x) << name;
  }
  // Circles: the two classes lie at radius 1 and 0.5 when noise is 0.
  absl::StatusOr<Examples> c = MakeSyntheticSet("circles", 10, 0, 2, 1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(std::hypot(c->row(i)[0], c->row(i)[1]), c->y[i] == 0 ? 1.0 : 0.5, 1e-5);
  }
}

TEST(SplitTest, TrainDevTestAreDisjointAndSized) {
  v1::TrainData data;
  data.set_dev_fraction(0.25);
  data.set_test_fraction(0.2);
  SplitIndices s = ComputeSplit(100, false, data, 0);
  EXPECT_EQ(s.test.size(), 20u);
  EXPECT_EQ(s.dev.size(), 20u);
  EXPECT_EQ(s.train.size(), 60u);
  std::set<int64_t> all(s.train.begin(), s.train.end());
  all.insert(s.dev.begin(), s.dev.end());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), 100u);
  data.set_split_seed(2);
  EXPECT_NE(ComputeSplit(100, false, data, 0).train, s.train);
}

TEST(SplitTest, KFoldDevSetsPartitionThePool) {
  v1::TrainData data;
  data.set_k_folds(4);
  std::multiset<int64_t> devs;
  std::vector<int64_t> test;
  for (int fold = 0; fold < 4; ++fold) {
    SplitIndices s = ComputeSplit(50, false, data, fold);
    EXPECT_EQ(s.train.size() + s.dev.size(), 40u);
    std::set<int64_t> train(s.train.begin(), s.train.end());
    for (int64_t d : s.dev) EXPECT_EQ(train.count(d), 0u);
    devs.insert(s.dev.begin(), s.dev.end());
    if (fold == 0) test = s.test;
    EXPECT_EQ(s.test, test);  // The test set is the same for every fold.
  }
  EXPECT_EQ(devs.size(), 40u);
  EXPECT_EQ(std::set<int64_t>(devs.begin(), devs.end()).size(), 40u);  // Each example in exactly one fold.
}

TEST(PrepareDataTest, StandardizesWithTrainingStatistics) {
  v1::TrainData data;
  data.set_synthetic("blobs");
  absl::StatusOr<SourceData> source = LoadSource(data);
  ASSERT_TRUE(source.ok());
  absl::StatusOr<PreparedData> d = PrepareData(*source, data, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->train.rows + d->dev.rows + d->test.rows, 1000);
  for (int c = 0; c < 2; ++c) {
    double sum = 0, sq = 0;
    for (int64_t r = 0; r < d->train.rows; ++r) {
      sum += d->train.row(r)[c];
      sq += d->train.row(r)[c] * d->train.row(r)[c];
    }
    EXPECT_NEAR(sum / d->train.rows, 0, 1e-4);
    EXPECT_NEAR(sq / d->train.rows, 1, 1e-3);
  }
  data.set_train_limit(50);
  EXPECT_EQ(PrepareData(*source, data, 0)->train.rows, 50);
}

TEST(DataCacheTest, LoadsOnceForConcurrentTrialsAndDigestsContent) {
  DataCache cache;
  v1::TrainData data;
  data.set_synthetic("spiral");
  data.set_samples(5000);
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<const PreparedData>> got(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { got[i] = *cache.Prepared(data, 0); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.loads(), 1);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
  EXPECT_EQ(got[0]->digest.size(), 64u);
  data.set_dev_fraction(0.3);  // Another split of the same source: same digest, no new load.
  EXPECT_EQ((*cache.Prepared(data, 0))->digest, got[0]->digest);
  EXPECT_EQ(cache.loads(), 1);
  data.set_noise(0.2);  // Other content: another digest.
  EXPECT_NE((*cache.Source(data))->digest, got[0]->digest);
}

// Issue 14 #12: the cache never evicted sources (RSS grew 20 MB -> 678 MB over four studies). It keeps
// within its budget of bytes, evicting the least recently used entries.
TEST(DataCacheTest, EvictsLeastRecentlyUsedWithinItsBudget) {
  auto spiral = [](int seed) {
    v1::TrainData data;
    data.set_synthetic("spiral");
    data.set_samples(1000);  // 1000 x (2 features + 1 label) floats: about 12 KB.
    data.set_data_seed(seed);
    return data;
  };
  DataCache cache({.max_bytes = 30000});
  ASSERT_TRUE(cache.Source(spiral(1)).ok());
  ASSERT_TRUE(cache.Source(spiral(2)).ok());
  EXPECT_EQ(cache.loads(), 2);
  ASSERT_TRUE(cache.Source(spiral(1)).ok());  // 1 is now the most recently used.
  EXPECT_EQ(cache.loads(), 2);
  ASSERT_TRUE(cache.Source(spiral(3)).ok());  // Over the budget: 2 goes.
  EXPECT_LE(cache.bytes(), 30000u);
  EXPECT_EQ(cache.entries(), 2u);
  ASSERT_TRUE(cache.Source(spiral(1)).ok());
  EXPECT_EQ(cache.loads(), 3);
  ASSERT_TRUE(cache.Source(spiral(2)).ok());  // Loaded again.
  EXPECT_EQ(cache.loads(), 4);
  EXPECT_LE(cache.bytes(), 30000u);
  // Many studies' data: the cache stays within its budget.
  for (int seed = 10; seed < 60; ++seed) ASSERT_TRUE(cache.Prepared(spiral(seed), 0).ok());
  EXPECT_LE(cache.bytes(), 30000u);
  // An entry larger than the whole budget is handed out, not kept.
  DataCache tiny({.max_bytes = 1000});
  absl::StatusOr<std::shared_ptr<const SourceData>> big = tiny.Source(spiral(1));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ((*big)->train.rows, 1000);
  EXPECT_EQ(tiny.bytes(), 0u);
}

TEST(DataCacheTest, MissingFileIsNotFoundAndNotCached) {
  DataCache cache;
  v1::TrainData data;
  data.set_csv(TempPath("later.csv"));
  std::remove(data.csv().c_str());
  EXPECT_EQ(cache.Source(data).status().code(), absl::StatusCode::kNotFound);
  std::ofstream(data.csv()) << "x,y\n1,0\n2,1\n";
  EXPECT_TRUE(cache.Source(data).ok());
}

}  // namespace
}  // namespace hyperlab::worker::train
