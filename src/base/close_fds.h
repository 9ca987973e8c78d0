// Closing every inherited fd but a few, in a freshly forked child.
#pragma once

#include <initializer_list>

namespace berth {

// Closes every fd from 3 up except those in `keep` (negative entries are
// ignored; at most 16 are honoured). Allocates nothing, so it is safe
// between fork and exec. A child that lives on (the container's init waits
// for its start) must not hold the parent's locks, database or sockets.
void close_fds_except(std::initializer_list<int> keep);

}  // namespace berth
