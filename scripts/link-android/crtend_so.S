/*
 * Stand-in for the NDK's crtend_so.o, linked last into every Android shared library (see
 * crtbegin_so.c beside it): after bionic's libc/arch-common/bionic/crtend_so.S, a non-executable
 * stack note and, except on 32-bit ARM (which unwinds with .ARM.exidx), the zero word that ends
 * .eh_frame.
 */
	.section .note.GNU-stack, "", %progbits

#if !defined(__arm__)
	.section .eh_frame, "a", %progbits
	.balign 4
	.type	__FRAME_END__, %object
	.size	__FRAME_END__, 4
__FRAME_END__:
	.zero	4
#endif
