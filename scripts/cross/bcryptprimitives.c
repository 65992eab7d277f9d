/* For the wine test only (scripts/test-cross.sh); never shipped.
 * Rust's std (>= 1.78) imports ProcessPrng from bcryptprimitives.dll, which real Windows 10/11 has and
 * wine 8.0 lacks, so the exe would not start under wine (status c0000135). This stub answers it with
 * RtlGenRandom (advapi32's SystemFunction036), which wine has. */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
