// tonghop-key-order-bench: what the order of a synced batch's keys costs.
//
// The aggregation store applies a batch of changes as one WriteBatch of a few
// thousand roll-up keys. RocksDB inserts a batch's keys into its memtable one
// after another; when they come in ascending order each insert starts from
// where the previous one ended, and when they do not each one searches the
// skip list from its head. This benchmark writes the same batches through the
// project's own store (storage::OpenRocksDbStore, synced) with their keys
// sorted and shuffled, alternating which goes first, and prints the time of
// each. It backs the sort in AggregateStore::Staging::AppendTo; see
// docs/performance.md.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/flags.h"
#include "storage/key_encoding.h"
#include "storage/rocksdb_store.h"

namespace {

constexpr char kUsage[] = R"(usage: tonghop-key-order-bench --dir=DIR [--keys=N] [--batches=N]

Times synced WriteBatches of roll-up keys, sorted and shuffled.
  --dir=DIR      database directory to create (must not exist; removed after)
  --keys=N       keys per batch (default 4000; a national batch of changes
                 writes a few thousand)
  --batches=N    batches written in each order (default 200)

Example:
  tonghop-key-order-bench --dir=/tmp/key-order --keys=4000 --batches=200
)";

constexpr char kColumnFamily[] = "data";

// A roll-up key as the aggregation store lays it out: agency, plan, period,
// indicator, cell.
std::string RollupKey(std::mt19937_64& rng, int batch) {
  const int agency = static_cast<int>(rng() % 3933);
  return tonghop::storage::KeyBuilder(0x20)
      .String(absl::StrCat("lg-p", agency % 34, "-a", agency))
      .String("lg-ke-hoach")
      .String(absl::StrCat(2016 + batch % 11))
      .String(absl::StrCat("lg-chi-tieu-", rng() % 40))
      .String(absl::StrCat("sex=", rng() % 5))
      .Build();
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<tonghop::ParsedFlags> flags =
      tonghop::ParseFlatCommandLine(argc, argv, {"dir=DIR", "keys=N", "batches=N"});
  if (flags.ok() && flags->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  absl::StatusOr<int> keys_flag = flags.ok() ? flags->Int("keys", 4000) : flags.status();
  absl::StatusOr<int> batches_flag = flags.ok() ? flags->Int("batches", 200) : flags.status();
  for (const absl::Status& status : {keys_flag.status(), batches_flag.status()}) {
    if (!status.ok()) {
      std::cerr << "tonghop-key-order-bench: " << status.message() << "\n" << kUsage;
      return 2;
    }
  }
  const std::string dir = flags->Get("dir");
  const int keys = *keys_flag;
  const int batches = *batches_flag;
  if (dir.empty() || std::filesystem::exists(dir) || keys <= 0 || batches <= 0) {
    std::fprintf(stderr, "give --dir (a directory that does not exist), --keys > 0, --batches > 0\n");
    return 2;
  }
  double seconds[2] = {0, 0};  // [0] sorted, [1] shuffled
  {
    auto store = tonghop::storage::OpenRocksDbStore(dir, {kColumnFamily});
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    std::mt19937_64 rng(42);
    const std::string value(24, 'v');
    for (int b = 0; b < batches; ++b) {
      std::vector<std::string> batch_keys;
      batch_keys.reserve(keys);
      for (int k = 0; k < keys; ++k) batch_keys.push_back(RollupKey(rng, b));
      for (int turn = 0; turn < 2; ++turn) {
        // Alternate which order goes first so neither always meets the
        // fuller memtable.
        const int order = (b % 2 == 0) ? turn : 1 - turn;
        std::vector<std::string> ordered = batch_keys;
        for (std::string& key : ordered) key.push_back(order == 0 ? 's' : 'u');
        if (order == 0) {
          std::sort(ordered.begin(), ordered.end());
        } else {
          std::shuffle(ordered.begin(), ordered.end(), rng);
        }
        tonghop::storage::WriteBatch batch;
        for (const std::string& key : ordered) batch.Put(kColumnFamily, key, value);
        const absl::Time start = absl::Now();
        if (absl::Status s = (*store)->Write(batch); !s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
        seconds[order] += absl::ToDoubleSeconds(absl::Now() - start);
      }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::printf(
      "%d synced batches of %d keys in each order: sorted %.2f s (%.1f ms/batch), "
      "shuffled %.2f s (%.1f ms/batch); shuffled costs %.2f× sorted\n",
      batches, keys, seconds[0], 1000 * seconds[0] / batches, seconds[1],
      1000 * seconds[1] / batches, seconds[1] / seconds[0]);
  return 0;
}
