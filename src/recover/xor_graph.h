#pragma once

// The XOR-graph solver (recovery-schemes-2.md §2.5): the unknowns are the
// bytes T[0..L-1] of a secret table, and each known keystream byte gives an
// equation T[a] ^ T[b] = c. A union-find over table positions keeps, for
// each position, its XOR distance to its component's root; no equation
// fixes an absolute byte, but T[a] ^ T[b] is known exactly when a and b
// lie in one component, and that is all a "two windows of one table"
// scheme (Hive, §3.10) needs to decrypt.
//
// Evidence comes in units (one file's known bytes): a unit whose equations
// contradict what is known (or each other) is dropped whole, with the
// first contradiction reported, so one wrong original cannot corrupt the
// rest. Memory: L x 5 bytes (4-byte parent, 1-byte distance) and L / 8
// bytes for the current unit's links, plus 4 bytes per link a unit makes.
// Nothing recurses: finds and unions are loops.

#include <cstdint>
#include <optional>
#include <vector>

namespace kintsugi::recover {

// An equation that disagreed with what was already known: T[a] ^ T[b] was
// `known`, the equation said `claimed`.
struct XorContradiction {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint8_t claimed = 0;
  std::uint8_t known = 0;
};

// What became of one unit.
struct XorUnitResult {
  bool kept = false;
  std::uint64_t equations = 0;  // Added (until a contradiction).
  std::uint64_t links = 0;      // Components it joined.
  // Equations whose two positions were already joined and that agreed: the
  // checks that make a solution believable (a wrong layout agrees with
  // chance 1/256 each).
  std::uint64_t confirmations = 0;
  std::optional<XorContradiction> contradiction;  // Why it was dropped.
};

class XorGraph {
 public:
  // A table of `positions` bytes, every position its own component.
  explicit XorGraph(std::uint32_t positions);

  std::uint32_t size() const {
    return static_cast<std::uint32_t>(parent_.size());
  }

  // A unit of evidence: Begin, Add each equation, End. Outside a unit each
  // Add is a unit of its own.
  void BeginUnit();
  // T[a] ^ T[b] = value. False when it contradicts (then the unit will be
  // dropped, and further Adds to it are ignored). Positions must be below
  // size(); false for one that is not.
  bool Add(std::uint32_t a, std::uint32_t b, std::uint8_t value);
  // Drops the unit at once (its evidence failed a check of the caller's).
  void FailUnit();
  // Keeps the unit if none of its equations contradicted, else undoes every
  // link it made.
  XorUnitResult EndUnit();

  // Compresses every path, so that queries read one entry per position.
  // Call after the last unit (queries are correct before, only slower).
  void Finish();

  // T[a] ^ T[b] when a and b are in one component; nullopt otherwise (or
  // for a position out of range). Const and thread-safe.
  std::optional<std::uint8_t> Relation(std::uint32_t a, std::uint32_t b) const;

  // Totals over the units kept and dropped.
  std::uint64_t units_kept() const { return units_kept_; }
  std::uint64_t units_dropped() const { return units_dropped_; }
  std::uint64_t confirmations() const { return confirmations_; }
  std::uint64_t links() const { return links_; }

 private:
  struct Root {
    std::uint32_t root;
    std::uint8_t distance;  // XOR from the position to its root.
  };
  Root Find(std::uint32_t x);
  Root FindConst(std::uint32_t x) const;
  bool NewLink(std::uint32_t x) const {
    return (unit_links_bits_[x >> 6] >> (x & 63)) & 1u;
  }

  std::vector<std::uint32_t> parent_;
  std::vector<std::uint8_t> distance_;
  // The roots the current unit linked under another (undone if it is
  // dropped), as a list and as bits.
  std::vector<std::uint32_t> unit_links_;
  std::vector<std::uint64_t> unit_links_bits_;
  bool in_unit_ = false;
  XorUnitResult unit_;
  std::uint64_t units_kept_ = 0;
  std::uint64_t units_dropped_ = 0;
  std::uint64_t confirmations_ = 0;
  std::uint64_t links_ = 0;
};

}  // namespace kintsugi::recover
