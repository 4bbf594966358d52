// The binding's tables against the loaded library's, and the one status-to-exception mapping
// every failed call goes through, for every status the library names. Which status Keycloak or
// the Hub cause is tested once, in Rust and tests/integration; ErrorPathsTest provokes each
// through this binding once.
using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class StatusAndStateTest
    {
        /// <summary>The library's names for 0, 1, 2, ... up to the first <paramref name="unknown"/> (from <paramref name="first"/> on).</summary>
        private static List<string> LibraryTable(Func<int, string> name, string unknown, int first)
        {
            var names = new List<string>();
            for (int code = 0; code < first; code++)
            {
                names.Add(name(code));
            }
            for (int code = first; ; code++)
            {
                string n = name(code);
                if (n == unknown)
                {
                    return names;
                }
                names.Add(n);
                Assert.Less(code, 1000, "the library names every number");
            }
        }

        private static readonly Dictionary<HazyStatus, Type> Expected = new Dictionary<HazyStatus, Type>
        {
            { HazyStatus.InvalidArgument, typeof(InvalidArgumentException) },
            { HazyStatus.Auth, typeof(AuthenticationFailedException) },
            { HazyStatus.Forbidden, typeof(ForbiddenException) },
            { HazyStatus.NotFound, typeof(NotFoundException) },
            { HazyStatus.Validation, typeof(ValidationFailedException) },
            { HazyStatus.Network, typeof(NetworkException) },
            { HazyStatus.Timeout, typeof(HazyTimeoutException) },
            { HazyStatus.Tls, typeof(TlsException) },
            { HazyStatus.Server, typeof(ServerException) },
            { HazyStatus.Protocol, typeof(ProtocolException) },
            { HazyStatus.Cancelled, typeof(CancelledException) },
            { HazyStatus.JobFailed, typeof(JobFailedException) },
            { HazyStatus.Panic, typeof(PanicException) },
            { HazyStatus.InvalidState, typeof(InvalidStateException) },
            { HazyStatus.Closed, typeof(ClosedException) },
            { HazyStatus.ProxyAuth, typeof(ProxyAuthException) },
        };

        [Test]
        public void StatusEnumIsTheLibrarysTable()
        {
            List<string> names = LibraryTable(HazyLibrary.StatusName, "UNKNOWN", 0);
            var values = (HazyStatus[])Enum.GetValues(typeof(HazyStatus));
            Assert.AreEqual(names.Count, values.Length,
                "HazyStatus has " + values.Length + " values, hazy_status_name names " + names.Count + ": " + string.Join(", ", names));
            foreach (HazyStatus s in values)
            {
                Assert.That((int)s, Is.InRange(0, names.Count - 1), "HazyStatus." + s + " = " + (int)s + " is not a status of the library");
                Assert.AreEqual(names[(int)s], HazyLibrary.CName(s), "HazyStatus." + s + " = " + (int)s + " is not hazy_status " + names[(int)s]);
            }
        }

        [Test]
        public void StateEnumIsTheLibrarysTable()
        {
            // hazy_state_name(0) is "unknown" itself (HAZY_STATE_UNKNOWN), the answer for any other number too.
            List<string> names = LibraryTable(HazyLibrary.StateName, "unknown", 1);
            var values = (JobState[])Enum.GetValues(typeof(JobState));
            Assert.AreEqual(names.Count, values.Length, "JobState against hazy_state_name: " + string.Join(", ", names));
            foreach (JobState s in values)
            {
                Assert.That((int)s, Is.InRange(0, names.Count - 1), "JobState." + s + " = " + (int)s + " is not a state of the library");
                Assert.AreEqual(names[(int)s], s.ToString().ToLowerInvariant(), "JobState." + s + " = " + (int)s);
            }
        }

        [Test]
        public void EveryStatusOfTheLibraryMapsToItsExceptionClass()
        {
            int count = LibraryTable(HazyLibrary.StatusName, "UNKNOWN", 0).Count;
            Assert.AreEqual(count - 1, Expected.Count, "an expected exception class for every status but OK");
            HazyException.Check(0, null); // OK throws nothing
            for (int code = 1; code <= count; code++) // count: a number the library does not know
            {
                var s = (HazyStatus)code;
                // The path of every failed call, with no error object.
                HazyException e = Assert.Throws(Is.InstanceOf<HazyException>(), () => HazyException.Check(code, null)) as HazyException;
                Type want = Expected.ContainsKey(s) ? Expected[s] : typeof(HazyException);
                Assert.AreSame(want, e.GetType(), "status " + code + " (" + HazyLibrary.StatusName(code) + ")");
                Assert.AreEqual(s, e.Status);
                Assert.IsTrue(e.Message.StartsWith(HazyLibrary.StatusName(code) == "UNKNOWN" ? code + ": " : HazyLibrary.StatusName(code) + ": "),
                    e.Message);
            }
        }

        [Test]
        public void TheExceptionCarriesEveryFieldOfTheErrorAndTheMessageNamesThem()
        {
            foreach (var kv in Expected)
            {
                HazyException e = HazyException.Create(kv.Key, "detail ü", 418, "code", "description", "field", "req-1", "key-1");
                Assert.AreSame(kv.Value, e.GetType());
                Assert.IsInstanceOf<HazyException>(e);
                Assert.AreEqual(kv.Key, e.Status);
                Assert.AreEqual("detail ü", e.Detail);
                Assert.AreEqual(418, e.HttpStatus);
                Assert.AreEqual("code", e.OAuthError);
                Assert.AreEqual("description", e.OAuthDescription);
                Assert.AreEqual("field", e.Field);
                Assert.AreEqual("req-1", e.RequestId);
                Assert.AreEqual("key-1", e.IdempotencyKey);
                Assert.AreEqual(HazyLibrary.CName(kv.Key) + ": detail ü (HTTP 418, error code, field field, request id req-1)", e.Message);
            }
            Assert.AreEqual("AUTH: no extras", HazyException.Create(HazyStatus.Auth, "no extras").Message);
        }
    }
}
