MemcpyHtoD,0x00007f2a5c000000,8192
MemcpyHtoD,0x00007f2a5c200000,8192
kernel-1.traceg
kernel-2.traceg
