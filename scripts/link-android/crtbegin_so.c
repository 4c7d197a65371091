/*
 * Stand-in for the NDK's crtbegin_so.o, which clang links first into every Android shared
 * library (rustc does not pass -nostartfiles). Written for scripts/link-android.sh after what
 * bionic's libc/arch-common/bionic/crtbegin_so.c (with crtbrand.S, atexit.h, pthread_atfork.h)
 * puts into a library, so the link needs from libc what a link with the NDK's object needs:
 *   - __dso_handle, hidden: this library's handle for __cxa_atexit and __cxa_finalize (Rust's std
 *     refers to it for thread-local destructors);
 *   - a destructor that runs __cxa_finalize(&__dso_handle) when the library is unloaded, and a
 *     late one that frees the emulated-TLS key (the weak empty __emutls_unregister_key is
 *     replaced by compiler-builtins' when the library uses emulated TLS, as Rust's does);
 *   - atexit(), hidden, over __cxa_atexit; pthread_atfork(), hidden, over __register_atfork, only
 *     from API 23 on (where libc has __register_atfork);
 *   - the .note.android.ident note with the API level the library was built for.
 * Compiled with -DAPI=<level>.
 */
extern void __cxa_finalize(void *);
extern int __cxa_atexit(void (*)(void *), void *, void *);

static const void *const dso_handle = &dso_handle;
__attribute__((visibility("hidden"), alias("dso_handle"))) extern void *__dso_handle;

__attribute__((destructor)) static void on_dlclose(void) { __cxa_finalize(&__dso_handle); }

__attribute__((weak, visibility("hidden"))) void __emutls_unregister_key(void) {}
__attribute__((destructor(0))) static void on_dlclose_late(void) { __emutls_unregister_key(); }

__attribute__((visibility("hidden"))) void __atexit_handler_wrapper(void *f) {
  if (f) ((void (*)(void))f)();
}
__attribute__((visibility("hidden"))) int atexit(void (*f)(void)) {
  return __cxa_atexit(__atexit_handler_wrapper, (void *)f, &__dso_handle);
}

#if API >= 23
extern int __register_atfork(void (*)(void), void (*)(void), void (*)(void), void *);
__attribute__((visibility("hidden"))) int pthread_atfork(void (*a)(void), void (*b)(void),
                                                         void (*c)(void)) {
  return __register_atfork(a, b, c, &__dso_handle);
}
#endif

/* ELF note: name "Android", type NT_ANDROID_TYPE_IDENT (1), the API level. */
#define STR2(x) #x
#define STR(x) STR2(x)
__asm__(".pushsection .note.android.ident,\"a\",%note\n"
        ".balign 4\n"
        ".long 8\n .long 4\n .long 1\n"
        ".ascii \"Android\\0\"\n"
        ".long " STR(API) "\n"
        ".popsection\n");
