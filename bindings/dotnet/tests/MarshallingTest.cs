// Strings both ways: UTF-8 round trips through the library and the Hub, and strings C cannot
// carry (an embedded NUL, a lone surrogate) refused with ArgumentException before any native call.
using System;
using System.Text;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class MarshallingTest
    {
        // Latin-1, CJK, and a character outside the BMP (a surrogate pair in .NET).
        private const string Unicode = "ü-日本-\U0001F600";

        [Test]
        public void NonAsciiTextRoundTripsAsUtf8()
        {
            using (HazyClient c = TestSupport.Client())
            {
                // The project id goes to the Hub in the URL and comes back in the job's JSON.
                string project = TestSupport.Project() + "-" + Unicode;
                string config = TestSupport.Config.Replace("s3://b/t.csv", "s3://b/" + Unicode + ".csv");
                Job job = c.Train(project, config);
                Assert.AreEqual(project, job.ProjectId);
                Assert.AreEqual(project, c.GetJob(job.Id).ProjectId);
                // The simulator keeps the body it received byte for byte: our UTF-8, unchanged.
                byte[] received = TestSupport.HttpBytes("/_sim/jobs/" + job.Id + "/config");
                Assert.AreEqual(Encoding.UTF8.GetBytes(config), received);
            }
        }

        [Test]
        public void NonAsciiTextInAnErrorMessageRoundTrips()
        {
            // libhazy names the unknown option in its message: the key crosses both ways.
            var e = Assert.Throws<InvalidArgumentException>(() => new HazyClient(new HazyClientOptions().Set("option-" + Unicode, "x")));
            StringAssert.Contains("option-" + Unicode, e.Message);
        }

        [Test]
        public void EmbeddedNulIsRefusedBeforeAnyNativeCall()
        {
            long options = HandleStats.TakenCount(HandleKind.Options);
            var e = Assert.Throws<ArgumentException>(() => new HazyClient(TestSupport.Options().Set("user_agent", "a\0b")));
            StringAssert.Contains("NUL", e.Message);
            Assert.AreEqual(options, HandleStats.TakenCount(HandleKind.Options), "no native options were made");

            // A client whose every request would fail with NETWORK: ArgumentException proves nothing was sent.
            using (var c = new HazyClient(new HazyClientOptions { Host = "http://127.0.0.1:" + TestSupport.ClosedPort(), RetryMaxAttempts = 1 }))
            {
                Assert.Throws<ArgumentException>(() => c.AuthenticateClientCredentials("api", "sec\0ret"));
                Assert.Throws<ArgumentException>(() => c.AuthenticatePassword("api", null, "user\0", "pw"));
                Assert.Throws<ArgumentException>(() => c.AuthenticateBearer("tok\0en"));
                Assert.Throws<ArgumentException>(() => c.Train("p\0", TestSupport.Config));
                Assert.Throws<ArgumentException>(() => c.Train("p", TestSupport.Config + "\0"));
                Assert.Throws<ArgumentException>(() => c.Train("p", TestSupport.Config, "key\0"));
                Assert.Throws<ArgumentException>(() => c.Generate("p", "m\0", 10));
                Assert.Throws<ArgumentException>(() => c.GetJob("\0"));
                Assert.Throws<ArgumentException>(() => c.CancelJob("j\0"));
                Assert.Throws<ArgumentException>(() => c.WaitForJob("j\0"));
                Assert.Throws<ArgumentException>(() => c.ListJobs("p\0"));
                Assert.Throws<ArgumentException>(() => c.ListModels("p\0"));
                // And the same client does reach the library for a clean string.
                Assert.Throws<NetworkException>(() => c.AuthenticateClientCredentials("api", "secret"));
            }
        }

        [Test]
        public void LoneSurrogateIsRefused()
        {
            using (var c = new HazyClient(new HazyClientOptions { Host = "http://127.0.0.1:" + TestSupport.ClosedPort() }))
            {
                var e = Assert.Throws<ArgumentException>(() => c.GetJob("job-\uD800"));
                StringAssert.Contains("UTF-16", e.Message);
            }
        }

        [Test]
        public void NullRequiredArgumentsThrowArgumentNullException()
        {
            using (var c = new HazyClient(new HazyClientOptions { Host = "http://127.0.0.1:" + TestSupport.ClosedPort() }))
            {
                Assert.Throws<ArgumentNullException>(() => c.Train(null, TestSupport.Config));
                Assert.Throws<ArgumentNullException>(() => c.GetJob(null));
            }
        }

        [Test]
        public void AccessTokenComesBackThroughHazyStringFree()
        {
            using (HazyClient c = TestSupport.Client())
            {
                long freed = HandleStats.FreedCount(HandleKind.String);
                string token = c.GetAccessToken();
                Assert.AreEqual(3, token.Split('.').Length, "a JWS compact token");
                Assert.AreEqual(freed + 1, HandleStats.FreedCount(HandleKind.String), "the token's native copy was freed (and wiped)");
                // A token obtained elsewhere: the bearer path.
                using (var other = new HazyClient(TestSupport.Options()))
                {
                    other.AuthenticateBearer(token);
                    Assert.AreEqual(0, other.ListJobs(TestSupport.Project()).Count);
                }
            }
        }

        [Test]
        public void OptionsToStringMasksSecrets()
        {
            var o = new HazyClientOptions { ClientId = "api", ClientSecret = "s3cr3t", Password = "pw" };
            StringAssert.Contains("client_id=api", o.ToString());
            StringAssert.DoesNotContain("s3cr3t", o.ToString());
            StringAssert.DoesNotContain("=pw", o.ToString());
        }
    }
}
