/*
 * TEST-ONLY shim, never shipped: Wine 8 has no bcryptprimitives.dll!ProcessPrng, which Rust's
 * standard library calls for random bytes on Windows 10 and later (where the real DLL has it).
 * Built as bcryptprimitives.dll beside a test program, it forwards to RtlGenRandom.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return RtlGenRandom(data, (ULONG)len);
}
