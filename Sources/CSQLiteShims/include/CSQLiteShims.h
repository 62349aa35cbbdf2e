#ifndef TRIN_CSQLITE_SHIMS_H
#define TRIN_CSQLITE_SHIMS_H

/* sqlite3_config is variadic, which Swift cannot call. Sets, for the whole process and before
   SQLite is first used, what suits trin's store: no mutex per call on a connection (GRDB hands
   each connection to one thread at a time) and no memory statistics (a global mutex per
   allocation that nothing reads). Returns SQLITE_OK (0), or SQLITE_MISUSE when SQLite was
   already initialised, in which case its defaults stay. */
int trin_sqlite_configure_process(void);

#endif
