#!/usr/bin/env python3
"""Splits a `perf record --call-graph dwarf` profile of tonghopd by activity.

Usage: perf_breakdown.py PERF_DATA

Each sample is assigned to the first activity (in the order below) whose
function appears anywhere in its call stack, so a RocksDB write made while
applying the change feed counts as "aggregation: applying the change feed".
Prints each activity's share of the samples, then, within the two largest
aggregation activities, the share of samples whose stack contains a few
functions of interest.
"""

import collections
import subprocess
import sys

ACTIVITIES = [
    ("aggregation: applying the change feed", ["FeedConsumer::", "AggregateStore::ApplyBatch"]),
    ("aggregation: queries (Rollup, Completeness, Trend, CompileReport)",
     ["AggregationService::Work", "AggregationQueries::"]),
    ("submissions: Submit", ["Submissions::Impl::Submit"]),
    ("submissions: Review", ["Submissions::Impl::Review"]),
    ("submissions: streaming the change feed", ["WatchReactor"]),
    ("registry: answering the other services", ["RegistryService::", "registry::Registry"]),
    ("RocksDB compaction (background)", ["CompactionJob", "BackgroundCompaction"]),
    ("RocksDB flush (background)", ["FlushJob", "BackgroundFlush"]),
]
OTHER = "other (gRPC transport and polling, kernel)"
DETAILS = {
    "aggregation: applying the change feed": [
        "Staging::Get", "Staging::Put", "Staging::AppendTo", "RocksDbStore::Write", "ReportValues",
        "HeadOf"],
    "aggregation: queries (Rollup, Completeness, Trend, CompileReport)": [
        "AggregationQueries::Rollup", "AggregationQueries::CompletenessFrom",
        "AggregationQueries::Trend", "AggregationQueries::Compile", "AggregateReader::Contributions",
        "AggregationQueries::Expected", "SortVietnamese", "RenderReport"],
}


def stacks(perf_data):
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "comm,tid,ip,sym"],
                            capture_output=True, text=True, check=True).stdout
    for block in script.split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if lines:
            yield lines[1:]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    counts = collections.Counter()
    details = collections.Counter()
    total = 0
    for frames in stacks(sys.argv[1]):
        total += 1
        activity = OTHER
        for name, markers in ACTIVITIES:
            if any(marker in frame for frame in frames for marker in markers):
                activity = name
                break
        counts[activity] += 1
        for marker in DETAILS.get(activity, []):
            if any(marker in frame for frame in frames):
                details[(activity, marker)] += 1
    if total == 0:
        sys.exit("no samples")
    print(f"{total} samples")
    for activity, n in counts.most_common():
        print(f"{100 * n / total:5.1f} %  {activity}")
        for (owner, marker), m in sorted(details.items()):
            if owner == activity:
                print(f"          {100 * m / total:5.1f} %  with {marker} in the stack")


if __name__ == "__main__":
    main()
