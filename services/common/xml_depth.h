#ifndef TONGHOP_SERVICES_COMMON_XML_DEPTH_H_
#define TONGHOP_SERVICES_COMMON_XML_DEPTH_H_

// How deep an uploaded XML part (a .docx's document, a workbook's sheet)
// may nest. The readers of those parts walk their trees recursively, and a
// kilobyte of zipped "<x><x><x>…" would otherwise run the thread out of
// stack; real Word and Excel files nest a few dozen elements deep.

#include "pugixml.hpp"

namespace tonghop {

inline constexpr int kMaxXmlDepth = 256;

// Whether `root`'s elements nest deeper than `limit`. Walks the tree without
// recursion, stopping at the first node deeper than the limit.
inline bool NestsDeeperThan(const pugi::xml_node& root, int limit = kMaxXmlDepth) {
  int depth = 0;
  pugi::xml_node node = root.first_child();
  while (node) {
    if (node.first_child()) {
      if (++depth > limit) return true;
      node = node.first_child();
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      --depth;
      if (node == root) return false;
    }
    if (node) node = node.next_sibling();
  }
  return false;
}

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_XML_DEPTH_H_
