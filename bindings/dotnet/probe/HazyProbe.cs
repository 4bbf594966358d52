// Loads Hazy.dll from the path given (no compile-time reference, so nothing else is found by
// accident) and prints key=value lines for PackageLayoutTest: the native library's version, the
// file and way the binding found it, a status name, and the class of a native error.
using System;
using System.Reflection;

public static class HazyProbe
{
    public static int Main(string[] args)
    {
        Assembly hazy = Assembly.LoadFrom(args[0]);
        Type library = hazy.GetType("Hazy.HazyLibrary", true);
        Console.WriteLine("version=" + library.GetProperty("Version").GetValue(null, null));
        Console.WriteLine("path=" + library.GetProperty("NativePath").GetValue(null, null));
        Console.WriteLine("source=" + library.GetProperty("NativeSource").GetValue(null, null));
        Console.WriteLine("status2=" + library.GetMethod("StatusName").Invoke(null, new object[] { 2 }));
        object options = Activator.CreateInstance(hazy.GetType("Hazy.HazyClientOptions", true));
        options.GetType().GetMethod("Set").Invoke(options, new object[] { "no_such_option", "1" });
        try
        {
            Activator.CreateInstance(hazy.GetType("Hazy.HazyClient", true), options);
            Console.WriteLine("error=none");
        }
        catch (TargetInvocationException e)
        {
            Console.WriteLine("error=" + e.InnerException.GetType().Name);
        }
        return 0;
    }
}
