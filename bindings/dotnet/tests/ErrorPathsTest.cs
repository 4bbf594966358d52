// Each error path once, through the binding: the status the library returns reaches the caller
// as its exception class with the error's fields. (Why Keycloak or the Hub answer as they do is
// tested in Rust and tests/integration.) INVALID_STATE needs a log callback, which this binding
// does not expose; StatusAndStateTest maps it.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class ErrorPathsTest
    {
        private static HazyClient Unreachable()
        {
            return new HazyClient(new HazyClientOptions { Host = "http://127.0.0.1:" + TestSupport.ClosedPort(), RetryMaxAttempts = 1 });
        }

        [Test]
        public void InvalidArgument()
        {
            var e = Assert.Throws<InvalidArgumentException>(() => new HazyClient(new HazyClientOptions().Set("no_such_option", "1")));
            Assert.AreEqual(HazyStatus.InvalidArgument, e.Status);
            StringAssert.Contains("no_such_option", e.Message);
            using (var c = new HazyClient(TestSupport.Options()))
            {
                // No credentials configured.
                Assert.Throws<InvalidArgumentException>(() => c.Authenticate());
            }
        }

        [Test]
        public void AuthWithAWrongSecretNeverShowsIt()
        {
            const string wrong = "not-the-secret-Zq8x";
            using (var c = new HazyClient(TestSupport.Options()))
            {
                var e = Assert.Throws<AuthenticationFailedException>(() => c.AuthenticateClientCredentials(TestSupport.ClientId, wrong));
                Assert.AreEqual(HazyStatus.Auth, e.Status);
                Assert.AreEqual(401, e.HttpStatus);
                Assert.That(e.OAuthError, Is.EqualTo("unauthorized_client").Or.EqualTo("invalid_client"), "Keycloak's error");
                Assert.IsNotNull(e.RequestId);
                StringAssert.DoesNotContain(wrong, e.ToString());
            }
        }

        [Test]
        public void ForbiddenNamesTheMissingScope()
        {
            using (var c = new HazyClient(TestSupport.Options()))
            {
                c.AuthenticateClientCredentials(TestSupport.Env("HAZY_TEST_NO_TRAIN_CLIENT_ID"), TestSupport.Env("HAZY_TEST_NO_TRAIN_CLIENT_SECRET"));
                var e = Assert.Throws<ForbiddenException>(() => c.Train(TestSupport.Project(), TestSupport.Config));
                Assert.AreEqual(HazyStatus.Forbidden, e.Status);
                Assert.AreEqual(403, e.HttpStatus);
                Assert.AreEqual("hazy/TrainJob:create", e.Field);
                Assert.IsNotNull(e.IdempotencyKey, "a submission's error carries its Idempotency-Key");
            }
        }

        [Test]
        public void NotFound()
        {
            using (HazyClient c = TestSupport.Client())
            {
                var e = Assert.Throws<NotFoundException>(() => c.GetJob("no-such-job-" + Guid.NewGuid()));
                Assert.AreEqual(404, e.HttpStatus);
            }
        }

        [Test]
        public void ValidationNamesTheField()
        {
            using (HazyClient c = TestSupport.Client())
            {
                var e = Assert.Throws<ValidationFailedException>(() => c.Train(TestSupport.Project(), TestSupport.NoSchemaConfig));
                Assert.AreEqual(HazyStatus.Validation, e.Status);
                Assert.AreEqual("data_schema", e.Field);
                Assert.AreEqual(0, e.HttpStatus, "refused locally, before any request");
            }
        }

        [Test]
        public void Network()
        {
            using (HazyClient c = Unreachable())
            {
                var e = Assert.Throws<NetworkException>(() => c.AuthenticateClientCredentials("api", "secret"));
                Assert.AreEqual(0, e.HttpStatus);
            }
        }

        [Test]
        public void TimeoutOfAWait()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 60000);
                Assert.Throws<HazyTimeoutException>(() => c.WaitForJob(job.Id, TimeSpan.FromMilliseconds(300)));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.WaitForJob(job.Id, TimeSpan.Zero));
                c.CancelJob(job.Id);
            }
        }

        [Test]
        public void TlsHandshakeWithAServerThatSpeaksNoTls()
        {
            // The simulator speaks plain HTTP: an https:// host fails in the handshake.
            var o = new HazyClientOptions { Host = TestSupport.HubUrl.Replace("http://", "https://"), RetryMaxAttempts = 1 };
            using (var c = new HazyClient(o))
            {
                c.AuthenticateBearer("not.a.token");
                Assert.Throws<TlsException>(() => c.GetJob("j"));
            }
        }

        [Test]
        public void ServerErrorAfterRetries()
        {
            string id = "dotnet-server-" + Guid.NewGuid().ToString("N");
            TestSupport.Fault("{\"path_prefix\":\"/api/v1/jobs/" + id + "\",\"kind\":\"status\",\"status\":503,\"retry_after_s\":0,\"count\":2}");
            var o = TestSupport.Options();
            o.RetryMaxAttempts = 1;
            using (var c = new HazyClient(o))
            {
                c.AuthenticateClientCredentials(TestSupport.ClientId, TestSupport.ClientSecret);
                var e = Assert.Throws<ServerException>(() => c.GetJob(id));
                Assert.AreEqual(503, e.HttpStatus);
            }
        }

        [Test]
        public void ProtocolOnAnUnexpectedStatus()
        {
            string id = "dotnet-protocol-" + Guid.NewGuid().ToString("N");
            TestSupport.Fault("{\"path_prefix\":\"/api/v1/jobs/" + id + "\",\"kind\":\"status\",\"status\":418,\"count\":1}");
            using (HazyClient c = TestSupport.Client())
            {
                var e = Assert.Throws<ProtocolException>(() => c.GetJob(id));
                Assert.AreEqual(418, e.HttpStatus);
            }
        }

        [Test]
        public void CancelledOnTheHub()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 60000);
                Assert.AreEqual(JobState.Cancelled, c.CancelJob(job.Id).State);
                var e = Assert.Throws<CancelledException>(() => c.WaitForJob(job.Id, TimeSpan.FromSeconds(30)));
                Assert.AreEqual(HazyStatus.Cancelled, e.Status);
            }
        }

        [Test]
        public void JobFailedCarriesTheReason()
        {
            using (HazyClient c = TestSupport.Client())
            {
                string project = TestSupport.Project();
                TestSupport.JobDuration(project, 400);
                Job job = c.Train(project, TestSupport.FailingConfig);
                var e = Assert.Throws<JobFailedException>(() => c.WaitForJob(job.Id, TimeSpan.FromSeconds(30)));
                StringAssert.Contains("could not read data input", e.Message);
                Assert.AreEqual(JobState.Failed, c.GetJob(job.Id).State);
                StringAssert.Contains("could not read data input", c.GetJob(job.Id).FailureReason);
            }
        }

        [Test]
        public void PanicIsCaughtAtTheBoundary()
        {
            // The debug library panics on purpose for option debug_panic when HAZY_ALLOW_DEBUG_PANIC=1
            // (run-tests.sh sets it for this suite, which runs on target/debug/libhazy.so).
            Assert.AreEqual("1", Environment.GetEnvironmentVariable("HAZY_ALLOW_DEBUG_PANIC"));
            var e = Assert.Throws<PanicException>(() => new HazyClient(new HazyClientOptions().Set("debug_panic", "1")));
            Assert.AreEqual(HazyStatus.Panic, e.Status);
            // The process is intact.
            using (HazyClient c = TestSupport.Client())
            {
                Assert.AreEqual(0, c.ListJobs(TestSupport.Project()).Count);
            }
        }

        [Test]
        public void ClosedAfterClose()
        {
            HazyClient c = TestSupport.Client();
            c.Close();
            c.Close(); // idempotent
            var e = Assert.Throws<ClosedException>(() => c.ListJobs(TestSupport.Project()));
            Assert.AreEqual(HazyStatus.Closed, e.Status);
            c.Dispose();
            Assert.Throws<ObjectDisposedException>(() => c.ListJobs(TestSupport.Project()));
            c.Dispose(); // idempotent
        }

        [Test]
        public void ProxyAuthFromAProxyThatAnswers407()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var proxy = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        using (TcpClient conn = listener.AcceptTcpClient())
                        using (NetworkStream s = conn.GetStream())
                        {
                            var head = new StringBuilder();
                            while (!head.ToString().EndsWith("\r\n\r\n"))
                            {
                                int b = s.ReadByte();
                                if (b < 0)
                                {
                                    break;
                                }
                                head.Append((char)b);
                            }
                            byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\n"
                                + "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                            s.Write(answer, 0, answer.Length);
                        }
                    }
                }
                catch (Exception)
                {
                    // listener stopped
                }
            });
            proxy.IsBackground = true;
            proxy.Start();
            try
            {
                var o = new HazyClientOptions { Host = "http://hub.example", RetryMaxAttempts = 1 }.Set("proxy", "http://127.0.0.1:" + port);
                using (var c = new HazyClient(o))
                {
                    c.AuthenticateBearer("not.a.token");
                    var e = Assert.Throws<ProxyAuthException>(() => c.GetJob("j"));
                    Assert.AreEqual(407, e.HttpStatus);
                    StringAssert.Contains("127.0.0.1:" + port, e.Message);
                }
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
