// CSQLite: the system SQLite 3 C API, plus static inline shims for what Swift
// cannot import directly (macros that cast, variadic functions).
#ifndef TRACKER_CSQLITE_SHIM_H
#define TRACKER_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer; Swift can't
// import it. TRANSIENT makes SQLite copy bound text/blobs before bind returns,
// so the Swift buffer may die right after the call.
static inline sqlite3_destructor_type csqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

#endif
