// The .nupkg of scripts/dist/nupkg.sh: what it holds, and the binding loaded from it unpacked, in
// a new Mono process with neither HAZY_NATIVE_LIBRARY nor LD_LIBRARY_PATH: it must find the
// release library in runtimes/linux-x64/native/ on its own.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Xml.Linq;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class PackageLayoutTest
    {
        private static readonly string[] Entries =
        {
            "[Content_Types].xml", "_rels/.rels", "LibHazy.nuspec", "LICENSE", "README.md",
            "lib/netstandard2.0/Hazy.dll", "lib/netstandard2.0/Hazy.xml",
            "runtimes/linux-x64/native/libhazy.so", "runtimes/linux-arm64/native/libhazy.so",
            "runtimes/win-x64/native/hazy.dll",
        };

        private string version;
        private string nupkg;
        private string unpacked;

        [TestFixtureSetUp]
        public void Unpack()
        {
            version = TestSupport.Env("HAZY_TEST_VERSION");
            nupkg = TestSupport.Env("HAZY_TEST_NUPKG");
            unpacked = Path.Combine(Path.GetTempPath(), "hazy-nupkg-" + Guid.NewGuid().ToString("N"));
            ZipFile.ExtractToDirectory(nupkg, unpacked);
        }

        [TestFixtureTearDown]
        public void Remove()
        {
            if (unpacked != null && Directory.Exists(unpacked))
            {
                Directory.Delete(unpacked, true);
            }
        }

        [Test]
        public void ThePackageHoldsTheAssemblyAndTheThreeReleaseLibraries()
        {
            using (ZipArchive zip = ZipFile.OpenRead(nupkg))
            {
                CollectionAssert.AreEquivalent(Entries, zip.Entries.Select(e => e.FullName).ToArray());
            }
            XDocument spec = XDocument.Load(Path.Combine(unpacked, "LibHazy.nuspec"));
            XNamespace ns = spec.Root.Name.Namespace;
            XElement meta = spec.Root.Element(ns + "metadata");
            Assert.AreEqual("LibHazy", meta.Element(ns + "id").Value);
            Assert.AreEqual(version, meta.Element(ns + "version").Value);
            Assert.AreEqual(".NETStandard2.0", meta.Element(ns + "dependencies").Element(ns + "group").Attribute("targetFramework").Value);

            // Byte for byte the libraries of the release archives (build/dist holds what they were packed from).
            string dist = TestSupport.Env("HAZY_TEST_DIST_TREES");
            var natives = new Dictionary<string, string>
            {
                { "runtimes/linux-x64/native/libhazy.so", "libhazy-" + version + "-x86_64-linux-gnu/lib/libhazy.so." + version },
                { "runtimes/linux-arm64/native/libhazy.so", "libhazy-" + version + "-aarch64-linux-gnu/lib/libhazy.so." + version },
                { "runtimes/win-x64/native/hazy.dll", "libhazy-" + version + "-x86_64-windows-gnu/bin/hazy.dll" },
            };
            foreach (var kv in natives)
            {
                Assert.AreEqual(Sha256(Path.Combine(dist, kv.Value)), Sha256(Path.Combine(unpacked, kv.Key)), kv.Key);
            }
        }

        private static string Sha256(string path)
        {
            using (var sha = SHA256.Create())
            using (FileStream f = File.OpenRead(path))
            {
                return BitConverter.ToString(sha.ComputeHash(f));
            }
        }

        /// <summary>Runs the probe on <paramref name="assembly"/> in a new mono; its key=value lines.</summary>
        private static Dictionary<string, string> Probe(string assembly)
        {
            var psi = new ProcessStartInfo("mono", "\"" + TestSupport.Env("HAZY_TEST_PROBE") + "\" \"" + assembly + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.EnvironmentVariables.Remove("HAZY_NATIVE_LIBRARY");
            psi.EnvironmentVariables.Remove("LD_LIBRARY_PATH");
            psi.EnvironmentVariables.Remove("MONO_PATH");
            using (Process p = Process.Start(psi))
            {
                string err = p.StandardError.ReadToEndAsync().Result;
                string output = p.StandardOutput.ReadToEnd();
                Assert.IsTrue(p.WaitForExit(60000), "the probe finished");
                Assert.AreEqual(0, p.ExitCode, "probe output:\n" + output + err);
                var values = new Dictionary<string, string>();
                foreach (string line in output.Split('\n'))
                {
                    int eq = line.IndexOf('=');
                    if (eq > 0)
                    {
                        values[line.Substring(0, eq)] = line.Substring(eq + 1).TrimEnd('\r');
                    }
                }
                return values;
            }
        }

        private void AssertLoadsFrom(string assembly, string root)
        {
            Dictionary<string, string> got = Probe(assembly);
            Assert.AreEqual(version, got["version"]);
            Assert.AreEqual(Path.GetFullPath(Path.Combine(root, "runtimes/linux-x64/native/libhazy.so")), got["path"]);
            Assert.AreEqual("package layout via mono dllmap", got["source"]);
            Assert.AreEqual("AUTH", got["status2"]);
            Assert.AreEqual("InvalidArgumentException", got["error"]);
        }

        [Test]
        public void TheAssemblyLoadedFromTheUnpackedPackageFindsItsNativeLibrary()
        {
            AssertLoadsFrom(Path.Combine(unpacked, "lib/netstandard2.0/Hazy.dll"), unpacked);
        }

        [Test]
        public void TheAssemblyInAnApplicationsOutputFindsRuntimesBesideIt()
        {
            // What the .NET SDK makes of the package in an application's bin/: Hazy.dll, runtimes/ beside it.
            string app = unpacked + "-app";
            Directory.CreateDirectory(Path.Combine(app, "runtimes/linux-x64/native"));
            try
            {
                File.Copy(Path.Combine(unpacked, "lib/netstandard2.0/Hazy.dll"), Path.Combine(app, "Hazy.dll"));
                File.Copy(Path.Combine(unpacked, "runtimes/linux-x64/native/libhazy.so"), Path.Combine(app, "runtimes/linux-x64/native/libhazy.so"));
                AssertLoadsFrom(Path.Combine(app, "Hazy.dll"), app);
            }
            finally
            {
                Directory.Delete(app, true);
            }
        }
    }
}
