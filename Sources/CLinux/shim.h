// CLinux: static inline shims for Linux calls Swift cannot import: prctl is
// variadic, and PR_SET_PDEATHSIG and O_TMPFILE are macros of headers the Glibc
// module leaves out. Used by `sweep` and the runs it starts (Sweep+Runner,
// ParentWatch). Each returns -1 with errno set where the call is unavailable.
#ifndef TRACKER_CSYSTEM_SHIM_H
#define TRACKER_CSYSTEM_SHIM_H

#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>

/// Asks the kernel to send `signal` to this process when the thread that
/// started it ends (https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html).
static inline int csystem_set_parent_death_signal(int signal) {
  return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

/// A new file in `directory` that has no name, so nothing is left behind
/// whenever the process ends (https://man7.org/linux/man-pages/man2/open.2.html, O_TMPFILE).
static inline int csystem_open_unnamed_file(const char *directory) {
  return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}
#else
#include <errno.h>
static inline int csystem_set_parent_death_signal(int signal) {
  (void)signal;
  errno = ENOSYS;
  return -1;
}
static inline int csystem_open_unnamed_file(const char *directory) {
  (void)directory;
  errno = ENOSYS;
  return -1;
}
#endif

#endif
