#pragma once
#include <cstdint>

#include "db/pool.h"

namespace hs::db {

// The highest stream position persisted anywhere: every table that takes part in the sync
// stream has a BIGINT column named stream_pos, found through the catalog so a new table
// needs no change here.
int64_t maxPersistedStreamPosition(Pool& pool);

}  // namespace hs::db
