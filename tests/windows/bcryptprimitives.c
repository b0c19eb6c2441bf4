/* A stand-in for Windows' bcryptprimitives.dll, for running tsunagu.exe under Debian's wine 8
 * only (tests/windows.sh): Rust's standard library takes its random numbers from ProcessPrng,
 * which wine 8 lacks (wine 9 has it). Real Windows 10 and 11 have the DLL; nothing of this ships.
 * ProcessPrng is served by RtlGenRandom (advapi32's SystemFunction036), which wine has. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n; len -= n;
    }
    return TRUE;
}
