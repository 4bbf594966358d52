// UTF-8 both ways, by hand: Mono 6.8 and .NET Framework have no UTF-8 string marshalling
// (UnmanagedType.LPUTF8Str and Marshal.PtrToStringUTF8 came with .NET Core), and ANSI marshalling
// would use the process's code page.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Hazy
{
    internal static class Utf8
    {
        // Throws on a lone surrogate rather than sending U+FFFD in its place.
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>
        /// <paramref name="value"/> as NUL-terminated UTF-8, or null for null. Throws
        /// ArgumentException, before anything reaches the library, for a string that holds
        /// U+0000 (C would see only what comes before it) or is not valid UTF-16.
        /// </summary>
        internal static byte[] Encode(string value, string paramName)
        {
            if (value == null)
            {
                return null;
            }
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException(paramName + " contains a NUL character (U+0000), which a C string cannot carry",
                    paramName);
            }
            try
            {
                int n = Strict.GetByteCount(value);
                byte[] bytes = new byte[n + 1];
                Strict.GetBytes(value, 0, value.Length, bytes, 0);
                return bytes;
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException(paramName + " is not valid UTF-16 (a lone surrogate)", paramName, e);
            }
        }

        /// <summary>As Encode, for a value that must be present.</summary>
        internal static byte[] Required(string value, string paramName)
        {
            if (value == null)
            {
                throw new ArgumentNullException(paramName);
            }
            return Encode(value, paramName);
        }

        /// <summary>The NUL-terminated UTF-8 string at <paramref name="p"/>; null for NULL.</summary>
        internal static string Decode(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0)
            {
                len++;
            }
            byte[] bytes = new byte[len];
            Marshal.Copy(p, bytes, 0, len);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>Overwrites a buffer that held a secret.</summary>
        internal static void Wipe(byte[] bytes)
        {
            if (bytes != null)
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }
}
