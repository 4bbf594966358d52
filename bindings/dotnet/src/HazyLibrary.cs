using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hazy
{
    /// <summary>The loaded native library: its version, its names for statuses and states, and where it was found.</summary>
    public static class HazyLibrary
    {
        // Each member loads the library first, then calls a NoInlining method holding the native
        // call: see Native.EnsureLoaded.

        /// <summary>hazy_version(): the native library's version, e.g. "0.1.0".</summary>
        public static string Version
        {
            get
            {
                Native.EnsureLoaded();
                return VersionCore();
            }
        }

        /// <summary>The file the binding chose (null when it left the choice to the system's loader).</summary>
        public static string NativePath
        {
            get
            {
                Native.EnsureLoaded();
                return LibraryLoader.ResolvedPath;
            }
        }

        /// <summary>How the native library was found and loaded, e.g. "package layout via mono dllmap".</summary>
        public static string NativeSource
        {
            get
            {
                Native.EnsureLoaded();
                return LibraryLoader.Source + " via " + LibraryLoader.Mechanism;
            }
        }

        /// <summary>hazy_status_name: e.g. "AUTH"; "UNKNOWN" for a number that is not a status.</summary>
        public static string StatusName(int status)
        {
            Native.EnsureLoaded();
            return StatusNameCore(status);
        }

        /// <summary>hazy_state_name: e.g. "running"; "unknown" for a number that is not a state.</summary>
        public static string StateName(int state)
        {
            Native.EnsureLoaded();
            return StateNameCore(state);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string VersionCore()
        {
            return Utf8.Decode(Native.hazy_version());
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string StatusNameCore(int status)
        {
            return Utf8.Decode(Native.hazy_status_name(status));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string StateNameCore(int state)
        {
            return Utf8.Decode(Native.hazy_state_name(state));
        }

        /// <summary>The C name of a status without its prefix, from the enum: InvalidArgument gives "INVALID_ARGUMENT".</summary>
        internal static string CName(HazyStatus status)
        {
            string name = status.ToString();
            var sb = new StringBuilder();
            for (int i = 0; i < name.Length; i++)
            {
                if (i > 0 && char.IsUpper(name[i]))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToUpperInvariant(name[i]));
            }
            return sb.ToString();
        }
    }
}
