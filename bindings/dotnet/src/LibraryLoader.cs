// Finds the native library before the first call binds "hazy". Lookup order:
//  1. HAZY_NATIVE_LIBRARY: the library file itself; when set it must exist (no fallback).
//  2. The NuGet layout, from the directory of Hazy.dll (D):
//       D/runtimes/RID/native/FILE          an application's output (the .NET SDK copies it there)
//       D/../../runtimes/RID/native/FILE    the package itself (Hazy.dll in lib/netstandard2.0/)
//       D/FILE                              a flat copy beside Hazy.dll
//     RID is linux-x64, linux-arm64 or win-x64; FILE is libhazy.so or hazy.dll.
//  3. The system's loader (LD_LIBRARY_PATH, the ld.so cache after `make install`, PATH on Windows).
//
// How the path found is handed to the runtime:
//  - .NET Core 3.0 and later, .NET 5+: NativeLibrary.SetDllImportResolver (found by reflection,
//    since .NET Standard 2.0 has no NativeLibrary).
//  - Mono: mono_dllmap_insert, the runtime's own entry point behind <dllmap> in .config files,
//    called through "__Internal" (the mono executable itself), maps "hazy" to the path.
//  - .NET Framework on Windows: LoadLibraryEx of the path; DllImport("hazy") then finds the
//    loaded hazy.dll by name.
using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Hazy
{
    internal static class LibraryLoader
    {
        internal const string PathVariable = "HAZY_NATIVE_LIBRARY";

        private static readonly object Lock = new object();
        private static bool initialized;

        /// <summary>The file chosen (null: left to the system's loader).</summary>
        internal static string ResolvedPath { get; private set; }

        /// <summary>How it was chosen: "HAZY_NATIVE_LIBRARY", "package layout" or "system loader".</summary>
        internal static string Source { get; private set; }

        /// <summary>How it was handed to the runtime: "NativeLibrary", "mono dllmap", "LoadLibrary" or "none".</summary>
        internal static string Mechanism { get; private set; }

        internal static bool IsWindows
        {
            get { return Path.DirectorySeparatorChar == '\\'; }
        }

        internal static string FileName
        {
            get { return IsWindows ? "hazy.dll" : "libhazy.so"; }
        }

        /// <summary>linux-x64, linux-arm64, win-x64 (or win-arm64, linux-x86...: never shipped).</summary>
        internal static string RuntimeId
        {
            get
            {
                string arch = ProcessArchitecture();
                return (IsWindows ? "win-" : "linux-") + arch;
            }
        }

        // RuntimeInformation.ProcessArchitecture, read by reflection: .NET Framework 4.6.1 has it
        // only through a NuGet package, so the assembly does not reference it.
        private static string ProcessArchitecture()
        {
            Type t = Type.GetType("System.Runtime.InteropServices.RuntimeInformation, System.Runtime.InteropServices.RuntimeInformation")
                ?? Type.GetType("System.Runtime.InteropServices.RuntimeInformation, mscorlib");
            PropertyInfo p = t == null ? null : t.GetProperty("ProcessArchitecture", BindingFlags.Public | BindingFlags.Static);
            if (p != null)
            {
                try
                {
                    switch (p.GetValue(null, null).ToString())
                    {
                        case "X64": return "x64";
                        case "Arm64": return "arm64";
                        case "X86": return "x86";
                        case "Arm": return "arm";
                    }
                }
                catch (Exception)
                {
                    // Fall back to the pointer size below.
                }
            }
            return IntPtr.Size == 8 ? "x64" : "x86";
        }

        internal static void Init()
        {
            lock (Lock)
            {
                if (initialized)
                {
                    return;
                }
                initialized = true;
                Locate();
                Mechanism = "none";
                if (ResolvedPath == null)
                {
                    return;
                }
                if (TryNativeLibraryResolver())
                {
                    Mechanism = "NativeLibrary";
                }
                else if (Type.GetType("Mono.Runtime") != null)
                {
                    try
                    {
                        MonoDllMap.Insert(Native.Lib, ResolvedPath);
                        Mechanism = "mono dllmap";
                    }
                    catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException)
                    {
                        // An embedded Mono whose program does not export the function: its own
                        // probing (the directory of Hazy.dll, then the system's loader) decides.
                        Mechanism = "none (mono_dllmap_insert unavailable)";
                    }
                }
                else if (IsWindows)
                {
                    if (WindowsLoader.LoadLibraryExW(ResolvedPath, IntPtr.Zero, WindowsLoader.LoadWithAlteredSearchPath) == IntPtr.Zero)
                    {
                        throw new DllNotFoundException("LoadLibraryEx(" + ResolvedPath + ") failed with error "
                            + Marshal.GetLastWin32Error());
                    }
                    Mechanism = "LoadLibrary";
                }
            }
        }

        private static void Locate()
        {
            string explicitPath = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrEmpty(explicitPath))
            {
                if (!File.Exists(explicitPath))
                {
                    throw new DllNotFoundException(PathVariable + " names " + explicitPath + ", which does not exist");
                }
                ResolvedPath = Path.GetFullPath(explicitPath);
                Source = PathVariable;
                return;
            }
            foreach (string candidate in Candidates())
            {
                if (File.Exists(candidate))
                {
                    ResolvedPath = Path.GetFullPath(candidate);
                    Source = "package layout";
                    return;
                }
            }
            Source = "system loader";
        }

        private static string[] Candidates()
        {
            string location;
            try
            {
                location = typeof(LibraryLoader).Assembly.Location;
            }
            catch (NotSupportedException)
            {
                location = null; // a dynamic assembly
            }
            if (string.IsNullOrEmpty(location))
            {
                return new string[0]; // loaded from bytes, or a single-file bundle
            }
            string dir = Path.GetDirectoryName(location);
            string native = Path.Combine(Path.Combine("runtimes", RuntimeId), "native");
            return new[]
            {
                Path.Combine(Path.Combine(dir, native), FileName),
                Path.Combine(Path.Combine(Path.Combine(Path.Combine(dir, ".."), ".."), native), FileName),
                Path.Combine(dir, FileName),
            };
        }

        // .NET Core 3.0+: System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(
        //     Assembly, DllImportResolver), the resolver being (string, Assembly, DllImportSearchPath?) -> IntPtr.
        private static bool TryNativeLibraryResolver()
        {
            Type nativeLibrary = typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary");
            Type resolverType = typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.DllImportResolver");
            if (nativeLibrary == null || resolverType == null)
            {
                return false;
            }
            MethodInfo set = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType });
            MethodInfo load = nativeLibrary.GetMethod("Load", new[] { typeof(string) });
            if (set == null || load == null)
            {
                return false;
            }
            var resolver = new Resolver(load);
            Delegate d = Delegate.CreateDelegate(resolverType, resolver,
                typeof(Resolver).GetMethod("Resolve", BindingFlags.Public | BindingFlags.Instance));
            set.Invoke(null, new object[] { typeof(LibraryLoader).Assembly, d });
            return true;
        }

        private sealed class Resolver
        {
            private readonly MethodInfo load;
            private IntPtr loaded;

            internal Resolver(MethodInfo load)
            {
                this.load = load;
            }

            public IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
            {
                if (name != Native.Lib || ResolvedPath == null)
                {
                    return IntPtr.Zero; // the runtime's own lookup
                }
                lock (this)
                {
                    if (loaded == IntPtr.Zero)
                    {
                        try
                        {
                            loaded = (IntPtr)load.Invoke(null, new object[] { ResolvedPath });
                        }
                        catch (TargetInvocationException e)
                        {
                            throw e.InnerException ?? e;
                        }
                    }
                    return loaded;
                }
            }
        }

        private static class MonoDllMap
        {
            // void mono_dllmap_insert(MonoImage *assembly, const char *dll, const char *func,
            //                         const char *tdll, const char *tfunc): a NULL assembly maps
            // globally; a NULL func maps every function of the library.
            [DllImport("__Internal", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
            private static extern void mono_dllmap_insert(IntPtr assembly, byte[] dll, byte[] func, byte[] tdll, byte[] tfunc);

            internal static void Insert(string dll, string path)
            {
                mono_dllmap_insert(IntPtr.Zero, Utf8.Encode(dll, "dll"), null, Utf8.Encode(path, "path"), null);
            }
        }

        private static class WindowsLoader
        {
            internal const uint LoadWithAlteredSearchPath = 0x00000008;

            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
            internal static extern IntPtr LoadLibraryExW(string path, IntPtr file, uint flags);
        }
    }
}
