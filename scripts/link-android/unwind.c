/*
 * Stand-in for the NDK's libunwind.a (LLVM's libunwind), which rustc links into every Android
 * library (-lunwind: Rust's panics unwind through it) and which the NDK links statically. It is
 * the NDK's own library, not part of the Android platform, so it has no API level to check: here
 * it is only its interface, the functions of LLVM libunwind's <unwind.h> as empty bodies, hidden
 * like the NDK's. Its code (some tens of KB) is therefore missing from the sizes link-android.sh
 * prints. 32-bit ARM unwinds with ARM EHABI (.ARM.exidx), which has its own set.
 */
#define F(name) __attribute__((visibility("hidden"))) void name(void) {}

F(_Unwind_RaiseException)
F(_Unwind_Resume)
F(_Unwind_DeleteException)
F(_Unwind_Backtrace)
F(_Unwind_GetCFA)
F(_Unwind_GetLanguageSpecificData)
F(_Unwind_GetRegionStart)
F(_Unwind_FindEnclosingFunction)
F(_Unwind_GetDataRelBase)
F(_Unwind_GetTextRelBase)
F(_Unwind_GetIPInfo)
F(_Unwind_Resume_or_Rethrow)
F(_Unwind_ForcedUnwind)
F(__register_frame)
F(__deregister_frame)

#if defined(__arm__)
F(_Unwind_Complete)
F(_Unwind_VRS_Get)
F(_Unwind_VRS_Set)
F(_Unwind_VRS_Pop)
F(__gnu_unwind_frame)
F(__aeabi_unwind_cpp_pr0)
F(__aeabi_unwind_cpp_pr1)
F(__aeabi_unwind_cpp_pr2)
#else
F(_Unwind_GetGR)
F(_Unwind_SetGR)
F(_Unwind_GetIP)
F(_Unwind_SetIP)
F(_Unwind_Find_FDE)
#endif
