#include "recover/xor_graph.h"

#include <numeric>

namespace kintsugi::recover {
namespace {

// Which of two roots goes under the other: a fixed random-looking order
// (a bijection of 32-bit numbers, so never a tie). Linking by random
// priority keeps trees O(log L) deep in expectation without a rank array
// (Goel, Khanna, Larkin, Tarjan, "Disjoint set union with randomized
// linking", SODA 2014), which matters inside a unit, where paths through
// its own new links are not compressed.
std::uint32_t Priority(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

}  // namespace

XorGraph::XorGraph(std::uint32_t positions)
    : parent_(positions),
      distance_(positions, 0),
      unit_links_bits_((static_cast<std::size_t>(positions) + 63) / 64, 0) {
  std::iota(parent_.begin(), parent_.end(), 0u);
}

XorGraph::Root XorGraph::Find(std::uint32_t x) {
  // To the root, noting the highest position reached through links older
  // than the current unit: paths may be compressed only up to it, so that
  // dropping the unit (undoing its links) leaves every pointer true.
  std::uint32_t node = x;
  std::uint8_t distance = 0;
  std::uint32_t top = x;
  std::uint8_t top_distance = 0;
  bool crossed = false;
  while (parent_[node] != node) {
    if (in_unit_ && !crossed && NewLink(node)) crossed = true;
    distance ^= distance_[node];
    node = parent_[node];
    if (!crossed) {
      top = node;
      top_distance = distance;
    }
  }
  // Every position below `top` now points straight at it.
  std::uint32_t at = x;
  std::uint8_t rest = top_distance;
  while (at != top) {
    const std::uint32_t next = parent_[at];
    const std::uint8_t step = distance_[at];
    parent_[at] = top;
    distance_[at] = rest;
    rest ^= step;
    at = next;
  }
  return {node, distance};
}

XorGraph::Root XorGraph::FindConst(std::uint32_t x) const {
  std::uint8_t distance = 0;
  while (parent_[x] != x) {
    distance ^= distance_[x];
    x = parent_[x];
  }
  return {x, distance};
}

void XorGraph::BeginUnit() {
  if (in_unit_) EndUnit();
  in_unit_ = true;
  unit_ = XorUnitResult{};
  unit_.kept = true;
}

bool XorGraph::Add(std::uint32_t a, std::uint32_t b, std::uint8_t value) {
  if (!in_unit_) {
    BeginUnit();
    const bool ok = Add(a, b, value);
    EndUnit();
    return ok;
  }
  if (!unit_.kept) return false;
  if (a >= size() || b >= size()) {
    unit_.kept = false;
    return false;
  }
  ++unit_.equations;
  const Root ra = Find(a);
  const Root rb = Find(b);
  if (ra.root == rb.root) {
    const std::uint8_t known = ra.distance ^ rb.distance;
    if (known == value) {
      ++unit_.confirmations;
      return true;
    }
    unit_.contradiction = XorContradiction{a, b, value, known};
    unit_.kept = false;
    return false;
  }
  // T[a] = T[ra] ^ da and T[b] = T[rb] ^ db, so T[ra] ^ T[rb] = c ^ da ^ db.
  std::uint32_t child = ra.root;
  std::uint32_t parent = rb.root;
  if (Priority(child) > Priority(parent)) std::swap(child, parent);
  parent_[child] = parent;
  distance_[child] =
      static_cast<std::uint8_t>(ra.distance ^ rb.distance ^ value);
  unit_links_.push_back(child);
  unit_links_bits_[child >> 6] |= std::uint64_t{1} << (child & 63);
  ++unit_.links;
  return true;
}

void XorGraph::FailUnit() {
  if (in_unit_) unit_.kept = false;
}

XorUnitResult XorGraph::EndUnit() {
  if (!in_unit_) return XorUnitResult{};
  if (!unit_.kept) {
    // Newest first: each undone link was a root's, made in this unit.
    for (auto it = unit_links_.rbegin(); it != unit_links_.rend(); ++it) {
      parent_[*it] = *it;
      distance_[*it] = 0;
    }
  }
  for (std::uint32_t child : unit_links_) {
    unit_links_bits_[child >> 6] &= ~(std::uint64_t{1} << (child & 63));
  }
  unit_links_.clear();
  // Shrink what a large unit left behind.
  if (unit_links_.capacity() > (std::size_t{1} << 16)) {
    unit_links_.shrink_to_fit();
  }
  in_unit_ = false;
  XorUnitResult result = unit_;
  if (result.kept) {
    ++units_kept_;
    confirmations_ += result.confirmations;
    links_ += result.links;
  } else {
    ++units_dropped_;
    result.links = 0;
  }
  return result;
}

void XorGraph::Finish() {
  if (in_unit_) EndUnit();
  for (std::uint32_t x = 0; x < size(); ++x) Find(x);
}

std::optional<std::uint8_t> XorGraph::Relation(std::uint32_t a,
                                               std::uint32_t b) const {
  if (a >= size() || b >= size()) return std::nullopt;
  const Root ra = FindConst(a);
  const Root rb = FindConst(b);
  if (ra.root != rb.root) return std::nullopt;
  return static_cast<std::uint8_t>(ra.distance ^ rb.distance);
}

}  // namespace kintsugi::recover
