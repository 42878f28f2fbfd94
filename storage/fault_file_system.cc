#include "storage/fault_file_system.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"

namespace tonghop::storage {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file whose writes fail while its file system is full.
class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultInjectingFileSystem* fs,
                    const std::string& name)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        table_file_(absl::EndsWith(name, ".sst")),
        log_file_(absl::EndsWith(name, ".log")) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const DataVerificationInfo& info, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    if (log_file_) fs_->CountLogSync();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    if (log_file_) fs_->CountLogSync();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }
  IOStatus Allocate(uint64_t offset, uint64_t len, const IOOptions& options,
                    IODebugContext* dbg) override {
    if (fs_->Refuses(table_file_)) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Allocate(offset, len, options, dbg);
  }

 private:
  FaultInjectingFileSystem* fs_;
  const bool table_file_;
  const bool log_file_;
};

}  // namespace

FaultInjectingFileSystem::FaultInjectingFileSystem()
    : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

IOStatus FaultInjectingFileSystem::Refuse() {
  ++refused_;
  return IOStatus::NoSpace("No space left on device (injected)");
}

IOStatus FaultInjectingFileSystem::NewWritableFile(const std::string& name,
                                                   const rocksdb::FileOptions& options,
                                                   std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                   IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultWritableFile>(std::move(file), this, name);
  return s;
}

IOStatus FaultInjectingFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultWritableFile>(std::move(file), this, name);
  return s;
}

IOStatus FaultInjectingFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& old_name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReuseWritableFile(name, old_name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultWritableFile>(std::move(file), this, name);
  return s;
}

IOStatus FaultInjectingFileSystem::GetFreeSpace(const std::string& path, const IOOptions& options,
                                                uint64_t* free_bytes, IODebugContext* dbg) {
  if (full()) {
    *free_bytes = 0;
    return IOStatus::OK();
  }
  return target()->GetFreeSpace(path, options, free_bytes, dbg);
}

}  // namespace tonghop::storage
