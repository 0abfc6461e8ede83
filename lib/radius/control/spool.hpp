// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/radius: the accounting spool. One file per record,
// <dir>/<sequence, 16 hex digits>.acct, written to a temporary name,
// fsync'ed, renamed and the directory fsync'ed before the record is first
// sent; removed when its Accounting-Response arrives. The sequence orders
// the replay after a restart. Control lcore only (plain blocking file I/O:
// records are small and rare, a few per hotline state change).
//
// File: "HLRA" | version 1 | 3 zero octets | attribute length (4, BE) |
// the record's RADIUS attributes | MD5 of those attributes (16).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace haslb::radius {

struct SpoolRecord {
    uint64_t seq = 0;
    std::vector<uint8_t> attrs;
};

// Creates the directory (and parents) if needed. 0 or negative errno.
int spool_open(const std::string& dir, std::string& err);
// Writes and syncs one record. 0 or negative errno.
int spool_write(const std::string& dir, const SpoolRecord& r, std::string& err);
// Removes the record's file (its answer came). 0 or negative errno.
int spool_remove(const std::string& dir, uint64_t seq);
// Every record in sequence order. Files that do not read back are renamed
// *.bad and counted in `corrupt`; leftover temporary files are removed.
std::vector<SpoolRecord> spool_load(const std::string& dir, unsigned& corrupt);

}  // namespace haslb::radius
