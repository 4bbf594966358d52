using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Hazy")]
[assembly: AssemblyDescription(".NET binding of libhazy: Keycloak authentication and training jobs on Hazy's Hub")]
[assembly: AssemblyCompany("Hazy")]
[assembly: AssemblyProduct("libhazy")]
// The suite's own assembly reads HandleStats (how many native objects were freed).
[assembly: InternalsVisibleTo("Hazy.Tests")]
