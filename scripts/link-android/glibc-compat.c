/*
 * The one libc name glibc's headers give the C code (SQLite) that bionic's would not and that no
 * macro can rename: under _FILE_OFFSET_BITS=64 glibc's <fcntl.h> binds fcntl() to the symbol
 * fcntl64 by an asm label. Bionic has no fcntl64 (its fcntl takes 64-bit locks already), and with
 * the NDK's headers the call is to fcntl. Linked into libposgate.so by scripts/link-android.sh
 * only, hidden, so the reference reaches bionic's fcntl as it would in an NDK build.
 */
extern int fcntl(int, int, ...);
__attribute__((visibility("hidden"))) int fcntl64(int fd, int cmd, void *arg) {
  return fcntl(fd, cmd, arg);
}
